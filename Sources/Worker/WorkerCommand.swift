import ArgumentParser

@main
struct WorkerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "loom-worker",
        abstract: "Not built yet: this command arrives with a later issue.")

    func run() throws {
        throw ValidationError("loom-worker is not implemented yet")
    }
}
