import Foundation

/// The built products and the shared fixtures, found from where the tests run.
public enum Executables {
    /// Where `swift build` put the products: next to the test bundle.
    public static let directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()

    public static func url(_ name: String) -> URL {
        directory.appendingPathComponent(name)
    }

    /// Whether every named product is built.
    public static func built(_ names: [String]) -> Bool {
        names.allSatisfy { FileManager.default.isExecutableFile(atPath: url($0).path) }
    }

    /// `../shared/fixtures` beside the package root.
    public static let fixtures: URL = {
        var directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while directory.path != "/" && !FileManager.default.fileExists(atPath: directory.appendingPathComponent("Package.swift").path) {
            directory.deleteLastPathComponent()
        }
        return directory.deletingLastPathComponent().appendingPathComponent("shared/fixtures")
    }()

    /// The tiny LLaVA fixture: a two-layer LLaMA and its projector, fast enough for any test.
    public static let tinyModel = fixtures.appendingPathComponent("tiny-llava/tiny-llama-f32.gguf")
    public static let tinyProjector = fixtures.appendingPathComponent("tiny-llava/tiny-mmproj-f32.gguf")
    public static let tinyImage = fixtures.appendingPathComponent("tiny-llava/tiny_56.png")

    /// Why the cluster tests cannot run here, or `nil` when they can.
    public static var clusterUnavailable: String? {
        let needed = ["loom-controller", "loom-worker"]
        guard built(needed) else { return "\(needed.joined(separator: ", ")) not built in \(directory.path)" }
        guard FileManager.default.fileExists(atPath: tinyModel.path) else { return "no fixture at \(tinyModel.path)" }
        return nil
    }
}
