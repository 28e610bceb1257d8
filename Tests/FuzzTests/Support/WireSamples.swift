import LoomProtocol

/// One valid message of most kinds, both sides, each field away from its default.
enum WireSamples {
    static let models = [
        ModelInfo(name: "SmolLM2-135M-Instruct", contextLength: 8192, multimodal: false),
        ModelInfo(name: "tiny-llava", contextLength: 2048, multimodal: true),
    ]
    static let capacity = WorkerCapacity(maxRunningSequences: 32, kvBlocks: 728, kvBlockTokens: 16)
    static let load = WorkerLoad(
        waiting: 3, running: 7, kvBlocksUsed: 123, kvBlocksTotal: 728, tokensPerSecond: 187.25, recentImages: [.max, 1],
        prefixCache: PrefixCacheCounters(queriedTokens: 900, hitTokens: 810, cachedBlocks: 70, evictions: 2))
    static let sampling = SamplingParameters(
        maxTokens: 64, temperature: 0.7, topK: 40, topP: 0.95, minP: 0.05, repetitionPenalty: 1.1, frequencyPenalty: 0.25,
        presencePenalty: -0.5, seed: 42, stop: ["</s>", "終"], ignoreEOS: true, logprobs: 3)
    static let request = GenerationRequest(
        id: "req-7", model: "tiny-llava", deadlineUnixMs: 1_767_225_600_123,
        prompt: .chat([
            ChatMessage(role: .system, parts: [.text("You describe pictures.")]),
            ChatMessage(role: .user, parts: [.image(0), .text("And this one? 🔍"), .image(1)]),
        ]),
        sampling: sampling, images: [[0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3], [0x89, 0x50, 0x4E, 0x47, 9]])
    static let partial = Partial(
        requestId: "req-7", completionTokens: 17, tokens: [1, 49151, -2], text: "héllo",
        logprobs: [
            TokenLogprob(bytes: [0x68], logprob: -0.5, top: [.init(bytes: [0x68], logprob: -0.5)]),
            TokenLogprob(bytes: [0xC3], logprob: -1, top: []),
            TokenLogprob(bytes: Array("llo".utf8), logprob: -2, top: [.init(bytes: [], logprob: -3)]),
        ])
    static let final = Final(
        requestId: "req-7", finishReason: .length,
        usage: Usage(promptTokens: 123, imageTokens: 576, completionTokens: 17, cachedTokens: 64),
        timings: Timings(queueMs: 1.5, timeToFirstTokenMs: 190.25, decodeTokensPerSecond: 37.5, totalMs: 640.125))
    static let error = RequestError(requestId: "req-7", code: .badImage, message: "The JPEG image is truncated.")
    static let status = ControllerStatus(
        uptimeMs: 86_400_000,
        counters: Counters(
            completed: 1000, cancelled: 12, timedOut: 3, failed: 4, tokensGenerated: 123_456, requestsPerSecond: 12.5,
            tokensPerSecond: 2048.75, inFlight: 9, queueLength: 5, errorsLastMinute: 2),
        workers: [
            WorkerStatus(
                id: "w1", host: "10.0.0.7", version: "0.3.1", models: models, state: .busy, heartbeatAgeMs: 420, load: load,
                capacity: capacity)
        ])

    static let frames: [[[UInt8]]] = {
        let worker: [WorkerMessage] = [
            .ready(Registration(workerId: "w1", instance: 0xDEAD_BEEF, version: "0.3.1", host: "10.0.0.7", models: models, capacity: capacity)),
            .heartbeat(load), .heartbeat(nil), .request(request), .partial(partial), .final(final), .cancel(requestId: "req-7"),
            .disconnect(Disconnect(reason: .duplicateWorkerId, message: "w1 is live elsewhere")), .error(error),
        ]
        let client: [ClientMessage] = [
            .request(request), .request(GenerationRequest(id: "", model: "m", prompt: .text("Once upon a time"))),
            .partial(partial), .final(final), .error(error), .cancel(requestId: "req-7"), .status, .statusReply(status),
        ]
        return worker.map { $0.encode() } + client.map { $0.encode() }
    }()
}
