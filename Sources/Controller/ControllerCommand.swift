import ArgumentParser

@main
struct ControllerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "loom-controller",
        abstract: "Not built yet: this command arrives with a later issue.")

    func run() throws {
        throw ValidationError("loom-controller is not implemented yet")
    }
}
