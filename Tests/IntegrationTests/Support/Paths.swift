import Engine
import Foundation

/// Where the built executables, the fixtures and the default model are, found at run time so the
/// tests run from any working directory.
enum Paths {
    /// The package root: three levels above this file (Tests/IntegrationTests/Support/).
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `../shared/fixtures/tiny-llava` beside the package.
    static let tinyLLaVA = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/fixtures/tiny-llava")

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

    /// SmolLM2-135M-Instruct Q4_1, or nil when it has not been fetched (`scripts/fetch-model`).
    static var smolLM2: String? { DefaultModel.path }

    enum Missing: Error, CustomStringConvertible {
        case executable(String)

        var description: String {
            switch self {
            case .executable(let path): "\(path) is not built: run `swift build --build-tests` before `swift test`"
            }
        }
    }
}
