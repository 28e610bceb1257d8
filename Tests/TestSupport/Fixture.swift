import Foundation
import Testing

/// Something a test needs that the package does not hold: the default model, the shared reference
/// files, a built product, a program. `@Test(.requires(…))` skips the test when one is missing, saying
/// which and how to get it; under `CI=true`, where scripts/test has set everything up, a missing one
/// fails the test instead, so a test can never pass without having run.
public struct Fixture: Sendable, CustomStringConvertible {
    /// What it is, where it was looked for and how to get it.
    public let description: String
    private let check: @Sendable () -> Bool

    public init(_ description: String, isPresent: @escaping @Sendable () -> Bool) {
        self.description = description
        check = isPresent
    }

    public var isPresent: Bool { check() }

    /// A file or folder at `path`; `how` says how to get it.
    public static func file(_ path: String, _ how: String) -> Fixture {
        Fixture("\(path) (\(how))") { FileManager.default.fileExists(atPath: path) }
    }

    /// Executables that `swift build --build-tests` puts in `directory`.
    public static func built(_ names: [String], in directory: URL) -> Fixture {
        Fixture("\(names.joined(separator: ", ")) in \(directory.path) (`swift build --build-tests` builds them)") {
            names.allSatisfy { FileManager.default.isExecutableFile(atPath: directory.appendingPathComponent($0).path) }
        }
    }

    /// `../shared/fixtures` beside the package root: the reference outputs of llama.cpp and the tiny models.
    public static let sharedDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()  // the package root
        .deletingLastPathComponent().appendingPathComponent("shared/fixtures")

    /// The default model, SmolLM2: pass `DefaultModel.fileName` and `.directory` (this target does not
    /// link the engine).
    public static func defaultModel(_ fileName: String, in directory: String) -> Fixture {
        file(URL(fileURLWithPath: directory).appendingPathComponent(fileName).path, "scripts/fetch-model fetches it")
    }

    /// The folder `../shared/fixtures` (CI lays it beside the clone).
    public static let sharedFixtures = file(sharedDirectory.path, "the shared reference fixtures, beside the package")

    /// Whether this is a CI run (`CI=true`), where every fixture must be present.
    public static var isCI: Bool {
        ["true", "1"].contains(ProcessInfo.processInfo.environment["CI"]?.lowercased() ?? "")
    }

    /// Why a test that needs `fixtures` cannot run, or nil when all are present.
    static func missing(_ fixtures: [Fixture]) -> String? {
        let missing = fixtures.filter { !$0.isPresent }
        return missing.isEmpty ? nil : "missing " + missing.map(\.description).joined(separator: "; ")
    }

    /// Thrown while planning a test under `CI=true` whose fixture is missing: the test fails unrun.
    public struct Missing: Error, CustomStringConvertible {
        public let description: String
    }
}

/// The trait of `.requires(…)`: checks its fixtures when the test is planned, before it runs.
public struct FixtureTrait: TestTrait, SuiteTrait {
    public let fixtures: [Fixture]

    public func prepare(for test: Test) async throws {
        guard let why = Fixture.missing(fixtures) else { return }
        if Fixture.isCI { throw Fixture.Missing(description: "CI=true, yet \(why)") }
        try await ConditionTrait.disabled(Comment(rawValue: why)).prepare(for: test)
    }
}

extension Trait where Self == FixtureTrait {
    /// Runs the test (or every test of the suite) only when all `fixtures` are present: skipped when
    /// one is missing, failed when one is missing under `CI=true`.
    public static func requires(_ fixtures: Fixture...) -> Self { FixtureTrait(fixtures: fixtures) }

    public static func requires(_ fixtures: [Fixture]) -> Self { FixtureTrait(fixtures: fixtures) }
}
