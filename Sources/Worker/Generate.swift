import ArgumentParser

struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Generates text for one prompt, without a controller.")
    func run() throws { throw ValidationError("generate is not built yet") }
}
