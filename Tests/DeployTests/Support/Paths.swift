import Foundation
import TestSupport

/// Where the package, the shared fixtures and the built products are, found at run time.
enum Paths {
    /// The package root: three levels above this file (Tests/DeployTests/Support/).
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The tiny LLaMA of `../shared/fixtures`: random weights and SmolLM2's tokenizer, loaded in a blink.
    static let tinyModel = Fixture.sharedDirectory.appendingPathComponent("tiny-llava/tiny-llama-f32.gguf").path

    /// The name a worker serves the tiny model under (its file name up to the first dot).
    static let tinyModelName = "tiny-llama-f32"

    /// The directory `swift build` put the products in: the one holding the test bundle.
    static let products = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()

    static func product(_ name: String) -> String { products.appendingPathComponent(name).path }

    /// A fresh directory under the system's temporary one.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("loom-deploy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

extension Fixture {
    /// The executables the command-line tests and the drill start.
    static let servers = built(["loom-controller", "loom-worker"], in: Paths.products)
}
