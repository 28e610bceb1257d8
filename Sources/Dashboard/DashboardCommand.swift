import ArgumentParser

@main
struct DashboardCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "loom-top",
        abstract: "Not built yet: this command arrives with a later issue.")

    func run() throws {
        throw ValidationError("loom-top is not implemented yet")
    }
}
