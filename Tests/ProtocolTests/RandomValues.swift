import LoomProtocol
import TestSupport

/// Random field values that stress the encoding: varint boundaries, every UTF-8 length, extremes.
extension SplitMix64 {
    mutating func int() -> Int {
        switch next() % 4 {
        case 0: Int(next() % 128)
        case 1: Int(next() % 20_000)
        case 2: Int.max - Int(next() % 4)
        default: Int(next() >> 1)
        }
    }

    mutating func double() -> Double {
        Double(bitPattern: next() >> 2) * (next() % 2 == 0 ? 1 : -1)
    }

    mutating func float() -> Float {
        Float(Double(Int64(bitPattern: next()) % 2_000_000) / 1000)
    }

    mutating func string(maxCharacters: Int = 12) -> String {
        let alphabet: [Character] = ["a", "Z", "0", " ", "\n", "é", "ß", "中", "終", "🌍", "\u{0}", "\u{FFFD}"]
        return String((0..<Int(next() % UInt64(maxCharacters + 1))).map { _ in alphabet[Int(next() % UInt64(alphabet.count))] })
    }

    mutating func list<T>(max: Int, _ element: (inout SplitMix64) -> T) -> [T] {
        (0..<Int(next() % UInt64(max + 1))).map { _ in element(&self) }
    }

    mutating func pick<T: CaseIterable>(_: T.Type) -> T {
        let all = Array(T.allCases)
        return all[Int(next() % UInt64(all.count))]
    }

    mutating func partial() -> Partial {
        let tokens = list(max: 6) { Int32(truncatingIfNeeded: $0.next()) }
        let logprobs = next() % 2 == 0 ? [] : tokens.map { _ in
            TokenLogprob(bytes: bytes(Int(next() % 8)), logprob: -float(), top: list(max: 4) { rng in
                TokenLogprob.TopLogprob(bytes: rng.bytes(Int(rng.next() % 8)), logprob: -rng.float())
            })
        }
        return Partial(
            requestId: string(), completionTokens: int(), tokens: tokens, text: string(maxCharacters: 40), logprobs: logprobs)
    }

    mutating func final() -> Final {
        Final(
            requestId: string(), finishReason: pick(FinishReason.self),
            usage: Usage(promptTokens: int(), imageTokens: int(), completionTokens: int(), cachedTokens: int()),
            timings: Timings(
                queueMs: double(), timeToFirstTokenMs: double(), decodeTokensPerSecond: double(), totalMs: double(),
                imageQueueMs: double(), imageEncodeMs: double()))
    }

    mutating func load() -> WorkerLoad {
        WorkerLoad(
            waiting: int(), running: int(), kvBlocksUsed: int(), kvBlocksTotal: int(), tokensPerSecond: double(),
            recentImages: list(max: 5) { $0.next() },
            prefixCache: PrefixCacheCounters(queriedTokens: int(), hitTokens: int(), cachedBlocks: int(), evictions: int()),
            vision: VisionCounters(imagesEncoded: int(), encodeSeconds: double(), queueDepth: int()))
    }

    mutating func request() -> GenerationRequest {
        let images = list(max: 3) { $0.bytes(Int($0.next() % 32)) }
        let prompt: Prompt =
            next() % 2 == 0
            ? .text(string(maxCharacters: 60))
            : .chat(list(max: 4) { rng in
                ChatMessage(
                    role: rng.pick(Role.self),
                    parts: rng.list(max: 4) { rng in
                        images.isEmpty || rng.next() % 2 == 0
                            ? .text(rng.string()) : .image(Int(rng.next() % UInt64(images.count)))
                    },
                    toolCalls: rng.list(max: 2) { ToolCall(id: $0.string(), name: $0.string(), arguments: $0.string()) },
                    toolCallID: rng.next() % 2 == 0 ? nil : rng.string())
            })
        let sampling = SamplingParameters(
            maxTokens: int(), temperature: float(), topK: int(), topP: float(), minP: float(),
            repetitionPenalty: float(), frequencyPenalty: float(), presencePenalty: float(),
            seed: next() % 2 == 0 ? nil : next(), stop: list(max: 3) { $0.string() }, ignoreEOS: next() % 2 == 0,
            logprobs: next() % 2 == 0 ? nil : Int(next() % 21), grammar: next() % 2 == 0 ? nil : string(maxCharacters: 60))
        var biased = sampling
        biased.logitBias = list(max: 3) { LogitBias(token: Int32(truncatingIfNeeded: $0.next()), bias: $0.float()) }
        let tools = list(max: 3) { ToolDefinition(name: $0.string(), description: $0.string(), parameters: $0.string()) }
        let choices: [ToolChoice] = [.auto, .none, .required, .function(string())]
        return GenerationRequest(
            id: string(), model: string(), deadlineUnixMs: int(), prompt: prompt, sampling: biased, images: images,
            tools: tools, toolChoice: choices[Int(next() % 4)])
    }

    mutating func workerMessage() -> WorkerMessage {
        switch next() % 6 {
        case 0: .partial(partial())
        case 1: .final(final())
        case 2: .heartbeat(next() % 2 == 0 ? nil : load())
        case 3: .request(request())
        case 4: .error(RequestError(requestId: string(), code: pick(ErrorCode.self), message: string(maxCharacters: 30)))
        default: .disconnect(Disconnect(reason: pick(DisconnectReason.self), message: string()))
        }
    }
}
