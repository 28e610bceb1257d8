import Engine
import Foundation

/// Where the shared reference fixtures and the default model live, found from this file's path so the
/// tests run from any working directory.
enum Fixtures {
    /// The package root: three levels above this file (Tests/EngineTests/Support/).
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `../shared/fixtures` beside the package.
    static let directory = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/fixtures")

    static func path(_ relative: String) -> String { directory.appendingPathComponent(relative).path }

    static func json(_ relative: String) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(contentsOf: directory.appendingPathComponent(relative)))
    }

    /// SmolLM2-135M-Instruct Q4_1, or nil when it has not been fetched (`scripts/fetch-model`).
    static var smolLM2: String? { DefaultModel.path }

    /// SmolLM2 loaded on two threads, or nil (saying so) when it has not been fetched.
    static func smolLM2Model() throws -> LlamaModel? {
        guard let path = smolLM2 else {
            print("skipped: SmolLM2 model not found (run scripts/fetch-model)")
            return nil
        }
        return try LlamaModel(gguf: GGUFFile(path: path), pool: ComputePool(threads: 2))
    }
}
