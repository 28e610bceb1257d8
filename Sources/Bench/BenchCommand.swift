import ArgumentParser

@main
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "loom-bench",
        abstract: "Not built yet: this command arrives with a later issue.")

    func run() throws {
        throw ValidationError("loom-bench is not implemented yet")
    }
}
