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
    private let maxTokens: Int
    private let seed: UInt64
    /// Dataset entries in a seeded order, so runs with different seeds send different mixes.
    private let order: [Int]

    /// Reads the prompts file and images the configuration names.
    public init(_ configuration: BenchConfiguration) throws(BenchError) {
        switch configuration.prompts {
        case .file(let path): prompts = .dataset(try PromptDataset.load(path))
        case .synthetic(let tokens): prompts = .synthetic(inputTokens: tokens)
        }
        images = try configuration.images.map { (path: String) throws(BenchError) in try ImageFile(path: path) }
        maxTokens = configuration.maxTokens
        seed = configuration.seed
        var random = SplitMix64(seed: seed)
        if case .dataset(let entries) = prompts {
            order = Array(entries.indices).shuffled(using: &random)
        } else {
            order = []
        }
    }

    public func request(_ index: Int) -> BenchRequest {
        switch prompts {
        case .dataset(let entries):
            let entry = entries[order[index % order.count]]
            return BenchRequest(prompt: entry.prompt, images: entry.images + images, maxTokens: maxTokens)
        case .synthetic(let tokens):
            var random = SplitMix64(seed: seed &+ UInt64(truncatingIfNeeded: index) &* 0x9E37_79B9_7F4A_7C15)
            return BenchRequest(prompt: SyntheticPrompt.make(inputTokens: tokens, using: &random), images: images, maxTokens: maxTokens)
        }
    }
}
