import Foundation
import TestSupport

/// The built products and the shared fixtures, found from where the tests run.
public enum Executables {
    /// Where `swift build` put the products: next to the test bundle.
    public static let directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()

    public static func url(_ name: String) -> URL {
        directory.appendingPathComponent(name)
    }

    /// The tiny LLaVA fixture: a two-layer LLaMA and its projector, fast enough for any test.
    public static let tinyModel = Fixture.sharedDirectory.appendingPathComponent("tiny-llava/tiny-llama-f32.gguf")
    public static let tinyProjector = Fixture.sharedDirectory.appendingPathComponent("tiny-llava/tiny-mmproj-f32.gguf")
    public static let tinyImage = Fixture.sharedDirectory.appendingPathComponent("tiny-llava/tiny_56.png")
}

extension Fixture {
    /// Products built beside the tests (a `LocalCluster` needs loom-controller and loom-worker, and the
    /// tiny model of `.sharedFixtures`).
    public static func products(_ names: String...) -> Fixture { built(names, in: Executables.directory) }
}
