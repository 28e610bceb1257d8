import LoomProtocol
/// The requests of a run, by index: the same index and seed give the same request.
public struct RequestSource: Sendable {
    private enum Prompts: Sendable {
        case dataset([PromptDataset.Entry])
        case synthetic(inputTokens: Int)
    }

    private let prompts: Prompts
    /// `--image` files, attached to every request after the dataset's own.
    private let images: [ImageFile]
    /// The system message every request begins with, the same for all.
    public let systemPrompt: String?
    private let maxTokens: Int
    /// The seed of the user's prompts (not of the system prompt).
    private var seed: UInt64
    /// Dataset entries in a seeded order, so runs with different seeds send different mixes.
    private var order: [Int]

    /// Reads the prompts file and images the configuration names.
    public init(_ configuration: BenchConfiguration) throws(BenchError) {
        switch configuration.prompts {
        case .file(let path): prompts = .dataset(try PromptDataset.load(path))
        case .synthetic(let tokens): prompts = .synthetic(inputTokens: tokens)
        }
        images = try configuration.images.map { (path: String) throws(BenchError) in try ImageFile(path: path) }
        maxTokens = configuration.maxTokens
        systemPrompt = configuration.systemPromptTokens.map { tokens in
            var random = SplitMix64(seed: configuration.seed ^ 0x5157_E3D0_C0FF_EE00)
            return SyntheticPrompt.make(inputTokens: tokens, using: &random)
        }
        seed = configuration.seed
        order = []
        order = shuffledOrder()
    }

    /// The same source with other user prompts, for the warm-up: measured requests must not find
    /// a warm-up's prompt in a prefix cache. The system prompt stays: warming it is realistic.
    public func forWarmUp() -> RequestSource {
        var source = self
        source.seed = seed &+ 0x0DDB_A11_5EED
        source.order = source.shuffledOrder()
        return source
    }

    public func request(_ index: Int) -> BenchRequest {
        switch prompts {
        case .dataset(let entries):
            let entry = entries[order[index % order.count]]
            return BenchRequest(prompt: entry.prompt, images: entry.images + images, systemPrompt: systemPrompt, maxTokens: maxTokens)
        case .synthetic(let tokens):
            var random = SplitMix64(seed: seed &+ UInt64(truncatingIfNeeded: index) &* 0x9E37_79B9_7F4A_7C15)
            return BenchRequest(
                prompt: SyntheticPrompt.make(inputTokens: tokens, using: &random), images: images, systemPrompt: systemPrompt,
                maxTokens: maxTokens)
        }
    }

    /// Conversation `index` of `turns` turns: synthetic user messages of their own for each
    /// conversation and turn, the `--image` files in its first message.
    public func conversation(_ index: Int, turns: Int) -> Conversation {
        guard case .synthetic(let tokens) = prompts else {
            preconditionFailure("conversations are synthetic; the arguments refuse --prompts with --conversations")
        }
        var random = SplitMix64(seed: (seed ^ 0xC0DE_C0DE_C0DE_C0DE) &+ UInt64(truncatingIfNeeded: index) &* 0x9E37_79B9_7F4A_7C15)
        let userMessages = (0..<turns).map { _ in SyntheticPrompt.make(inputTokens: tokens, using: &random) }
        return Conversation(systemPrompt: systemPrompt, userMessages: userMessages, images: images, maxTokens: maxTokens)
    }

    private func shuffledOrder() -> [Int] {
        guard case .dataset(let entries) = prompts else { return [] }
        var random = SplitMix64(seed: seed)
        return Array(entries.indices).shuffled(using: &random)
    }
}
