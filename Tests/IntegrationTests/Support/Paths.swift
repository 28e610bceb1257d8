import Engine
import Foundation
import TestSupport

/// Where the built executables, the fixtures and the default model are, found at run time so the
/// tests run from any working directory.
enum Paths {
    /// The package root: three levels above this file (Tests/IntegrationTests/Support/).
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `../shared/fixtures/tiny-llava` beside the package.
    static let tinyLLaVA = Fixture.sharedDirectory.appendingPathComponent("tiny-llava")

    /// The folder `swift build` put the products in: the test bundle's own (`swift build --build-tests`
    /// builds every product beside it), else `.build/debug`.
    static let products: URL = {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        if FileManager.default.isExecutableFile(atPath: beside.appendingPathComponent("loom-controller").path) { return beside }
        return packageRoot.appendingPathComponent(".build/debug")
    }()

    static func executable(_ name: String) throws -> URL {
        let url = products.appendingPathComponent(name)
        guard FileManager.default.isExecutableFile(atPath: url.path) else { throw Missing.executable(url.path) }
        return url
    }

    static func image(_ name: String) -> URL { tinyLLaVA.appendingPathComponent(name) }

    enum Missing: Error, CustomStringConvertible {
        case executable(String)

        var description: String {
            switch self {
            case .executable(let path): "\(path) is not built: run `swift build --build-tests` before `swift test`"
            }
        }
    }
}

extension Fixture {
    /// SmolLM2-135M-Instruct Q4_1, where `DefaultModel` looks for it.
    static let smolLM2 = defaultModel(DefaultModel.fileName, in: DefaultModel.directory)

    /// The executables every integration test starts.
    static let servers = built(["loom-controller", "loom-worker"], in: Paths.products)

    /// The official OpenAI Python client.
    static let openAI = Fixture("the openai Python package (scripts/setup installs it)") {
        (try? PythonScript.run(["-c", "import openai"]))?.status == 0
    }
}
