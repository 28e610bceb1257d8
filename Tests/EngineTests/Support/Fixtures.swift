import Engine
import Foundation
import Testing
import TestSupport

/// Where the shared reference fixtures and the default model live, found from the package's path so
/// the tests run from any working directory.
enum Fixtures {
    /// `../shared/fixtures` beside the package.
    static let directory = Fixture.sharedDirectory

    static func path(_ relative: String) -> String { directory.appendingPathComponent(relative).path }

    static func json(_ relative: String) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(contentsOf: directory.appendingPathComponent(relative)))
    }

    /// SmolLM2's file, for tests that carry `.requires(.smolLM2)`.
    static func smolLM2() throws -> GGUFFile {
        try GGUFFile(path: try #require(DefaultModel.path, "missing \(Fixture.smolLM2)"))
    }

    /// SmolLM2 loaded on `threads` threads, for tests that carry `.requires(.smolLM2)`.
    static func smolLM2Model(_ arithmetic: Arithmetic = .fast, threads: Int = 2, maxBatchTokens: Int = 512,
                             maxLogitRows: Int = 64) throws -> LlamaModel {
        try LlamaModel(gguf: smolLM2(), pool: ComputePool(threads: threads), maxBatchTokens: maxBatchTokens,
                       maxLogitRows: maxLogitRows, arithmetic: arithmetic)
    }
}

extension Fixture {
    /// SmolLM2-135M-Instruct Q4_1, where `DefaultModel` looks for it.
    static let smolLM2 = defaultModel(DefaultModel.fileName, in: DefaultModel.directory)
}
