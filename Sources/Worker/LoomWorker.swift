import ArgumentParser

@main
struct LoomWorker: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "loom-worker",
        abstract: "Loads a language model (and optionally a vision projector) and runs it.",
        subcommands: [ServeCommand.self, GenerateCommand.self, TokenizeCommand.self, BenchEngineCommand.self, BenchServeCommand.self, BenchGrammarCommand.self, KeygenCommand.self])
}
