import Engine
import TestSupport

extension Fixture {
    /// SmolLM2-135M-Instruct Q4_1, where `DefaultModel` looks for it.
    static let smolLM2 = defaultModel(DefaultModel.fileName, in: DefaultModel.directory)
}
