import LoomProtocol

/// One message of every kind, every field away from its default.
enum Samples {
    /// Image-like bytes: a pattern, cheap to make at 8 MiB even in a debug build.
    static func image(_ count: Int, salt: UInt8) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        for index in bytes.indices { bytes[index] = UInt8(truncatingIfNeeded: index &* 31 &+ index >> 11) ^ salt }
        return bytes
    }

    static let models = [
        ModelInfo(name: "smollm2-135m-instruct", contextLength: 8192, multimodal: false),
        ModelInfo(name: "llava-1.5-7b", contextLength: 4096, multimodal: true),
    ]

    static let capacity = WorkerCapacity(maxRunningSequences: 32, kvBlocks: 4096, kvBlockTokens: 16)

    static let load = WorkerLoad(
        waiting: 3, running: 7, kvBlocksUsed: 1234, kvBlocksTotal: 4096, tokensPerSecond: 187.25,
        recentImages: [UInt64.max, 1, 0x0123_4567_89AB_CDEF],
        prefixCache: PrefixCacheCounters(queriedTokens: 90_210, hitTokens: 81_000, cachedBlocks: 700, evictions: 12),
        vision: VisionCounters(imagesEncoded: 318, encodeSeconds: 95.375, queueDepth: 4))

    static let registration = Registration(
        workerId: "worker-α1", instance: 0xDEAD_BEEF_CAFE_BABE, version: "0.3.1+abc", host: "10.0.0.7:5601",
        models: models, capacity: capacity)

    static let sampling = SamplingParameters(
        maxTokens: 512, temperature: 0.7, topK: 40, topP: 0.95, minP: 0.05, repetitionPenalty: 1.1,
        frequencyPenalty: 0.25, presencePenalty: -0.5, seed: 0xFFFF_0000_1234_5678, stop: ["</s>", "\n\nUser:", "終"],
        ignoreEOS: true, logprobs: 5)

    /// A chat request whose parts use both images, the first twice.
    static func chatRequest(id: String = "req-7", imageBytes: Int) -> GenerationRequest {
        GenerationRequest(
            id: id, model: "llava-1.5-7b", deadlineUnixMs: 1_767_225_600_123,
            prompt: .chat([
                ChatMessage(role: .system, parts: [.text("You describe pictures.")]),
                ChatMessage(role: .user, parts: [.image(0), .text("What differs from this one?"), .image(1), .image(0)]),
                ChatMessage(role: .assistant, parts: [.text("Let me look. 🔍")]),
            ]),
            sampling: sampling,
            images: [image(imageBytes, salt: 0x5A), image(imageBytes / 2 + 1, salt: 0xA5)])
    }

    static let textRequest = GenerationRequest(
        id: "", model: "smollm2-135m-instruct", deadlineUnixMs: 42,
        prompt: .text("<|im_start|>user\nWrite a haiku.<|im_end|>\n"), sampling: sampling, images: [image(100, salt: 1)])

    static let partial = Partial(
        requestId: "req-7", completionTokens: 17, tokens: [1, 49151, Int32.max, -2], text: "héllo 🌍",
        logprobs: [
            TokenLogprob(bytes: Array("h".utf8), logprob: -0.25, top: [.init(bytes: Array("h".utf8), logprob: -0.25)]),
            TokenLogprob(bytes: [0xC3], logprob: -1.5, top: [.init(bytes: [0xF0, 0x9F], logprob: -0.5), .init(bytes: [], logprob: -3)]),
            TokenLogprob(bytes: Array("llo".utf8), logprob: 0, top: []),
            TokenLogprob(bytes: Array(" 🌍".utf8), logprob: -.greatestFiniteMagnitude, top: []),
        ])

    static let final = Final(
        requestId: "req-7", finishReason: .deadline,
        usage: Usage(promptTokens: 123, imageTokens: 576, completionTokens: 17, cachedTokens: 592),
        timings: Timings(
            queueMs: 1.5, timeToFirstTokenMs: 190.25, decodeTokensPerSecond: 37.5, totalMs: 640.125, imageQueueMs: 12.75,
            imageEncodeMs: 151.5))

    static let error = RequestError(
        requestId: "req-7", code: .promptTooLong, message: "prompt has 9000 tokens; the context holds 8192")

    static let status = ControllerStatus(
        uptimeMs: 86_400_000,
        counters: Counters(
            completed: 1000, cancelled: 12, timedOut: 3, failed: 4, tokensGenerated: 123_456, requestsPerSecond: 12.5,
            tokensPerSecond: 2048.75, inFlight: 9, queueLength: 5, errorsLastMinute: 2),
        workers: [
            WorkerStatus(
                id: "worker-α1", host: "10.0.0.7:5601", version: "0.3.1", models: models, state: .busy,
                heartbeatAgeMs: 420, load: load, capacity: capacity),
            WorkerStatus(
                id: "w2", host: "h2", version: "0.3.0", models: [models[0]], state: .gone, heartbeatAgeMs: 9000,
                load: WorkerLoad(
                    waiting: 0, running: 1, kvBlocksUsed: 2, kvBlocksTotal: 3, tokensPerSecond: 4, recentImages: []),
                capacity: WorkerCapacity(maxRunningSequences: 1, kvBlocks: 2, kvBlockTokens: 32)),
        ])

    static func workerMessages(imageBytes: Int = 1000) -> [WorkerMessage] {
        [
            .ready(registration),
            .heartbeat(load),
            .heartbeat(nil),
            .request(chatRequest(imageBytes: imageBytes)),
            .request(textRequest),
            .partial(partial),
            .final(final),
            .cancel(requestId: "req-7"),
            .disconnect(Disconnect(reason: .duplicateWorkerId, message: "worker-α1 is live on 10.0.0.8")),
            .error(error),
        ]
    }

    static func clientMessages(imageBytes: Int = 1000) -> [ClientMessage] {
        [
            .request(chatRequest(imageBytes: imageBytes)),
            .request(textRequest),
            .partial(partial),
            .final(final),
            .error(error),
            .cancel(requestId: "req-7"),
            .status,
            .statusReply(status),
        ]
    }

    /// Every sample of both sides as frames, each with the decoder of its side.
    static func encodedFrames(imageBytes: Int = 1000) -> [(frames: [[UInt8]], subprotocol: Subprotocol)] {
        workerMessages(imageBytes: imageBytes).map { ($0.encode(), .worker) }
            + clientMessages(imageBytes: imageBytes).map { ($0.encode(), .client) }
    }
}

/// Decodes with the decoder of `subprotocol`, discarding the message: for tests about errors.
func decode(_ frames: [[UInt8]], _ subprotocol: Subprotocol, limits: WireLimits = .default) throws(WireError) {
    switch subprotocol {
    case .worker: _ = try WorkerMessage.decode(frames, limits: limits)
    case .client: _ = try ClientMessage.decode(frames, limits: limits)
    }
}
