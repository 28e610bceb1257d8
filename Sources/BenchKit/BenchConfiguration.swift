import ClientKit

/// A checked loom-bench run: what to hit, how hard, for how long, with which requests.
public struct BenchConfiguration: Sendable {
    /// How requests are issued.
    public enum Load: Sendable, Equatable {
        /// `concurrency` streams, each sending its next request when the last one ends.
        case closed(concurrency: Int)
        /// Arrivals at `rate` per second, spaced by a gamma distribution of shape `burstiness`
        /// (1: Poisson), whatever is in flight (vLLM's benchmark_serving).
        case open(rate: Double, burstiness: Double)
        /// `count` conversations of `turns` requests each, `concurrency` at once: a conversation
        /// sends its next turn when the last one's answer has arrived, with the whole history, and
        /// a stream starts the next conversation when its last one ends.
        case conversations(count: Int, turns: Int, concurrency: Int)

        /// The closed loop's streams (conversations at once); `nil` for an open loop.
        public var streams: Int? {
            switch self {
            case .closed(let concurrency), .conversations(_, _, let concurrency): concurrency
            case .open: nil
            }
        }
    }

    /// When the run stops issuing requests (those in flight are waited for). Conversations send
    /// `.requests(count × turns)` (fewer when a turn fails and ends its conversation).
    public enum Stop: Sendable, Equatable {
        case requests(Int)
        case duration(Duration)
    }

    /// Where prompts come from.
    public enum Prompts: Sendable, Equatable {
        /// JSONL lines `{"prompt": …, "images": [paths]}`.
        case file(String)
        /// Random words, about `inputTokens` tokens each.
        case synthetic(inputTokens: Int)
    }

    public var target: ControllerAddress
    /// `nil`: the first model the controller serves.
    public var model: String?
    public var load: Load
    public var stop: Stop
    public var prompts: Prompts
    /// Image files attached to every request (to the first turn of each conversation).
    public var images: [String]
    /// About this many tokens of synthetic words, the same system message at the start of every
    /// request; `nil`: no system message.
    public var systemPromptTokens: Int?
    /// Conversations: the mean pause, exponentially distributed, between an answer and the next turn
    /// (a person reading and typing); zero sends the next turn at once.
    public var thinkTime: Duration = .zero
    public var maxTokens: Int
    public var warmup: Int
    public var seed: UInt64
    public var jsonPath: String?
    /// Every request ends within this, with an answer or a `timeout` failure.
    public var requestTimeout: Duration

    public init(
        target: ControllerAddress, model: String? = nil, load: Load, stop: Stop,
        prompts: Prompts = .synthetic(inputTokens: 128), images: [String] = [], systemPromptTokens: Int? = nil,
        maxTokens: Int = 128, warmup: Int = 0, seed: UInt64 = 0, jsonPath: String? = nil, requestTimeout: Duration = .seconds(300)
    ) {
        self.target = target
        self.model = model
        self.load = load
        self.stop = stop
        self.prompts = prompts
        self.images = images
        self.systemPromptTokens = systemPromptTokens
        self.maxTokens = maxTokens
        self.warmup = warmup
        self.seed = seed
        self.jsonPath = jsonPath
        self.requestTimeout = requestTimeout
    }
}
