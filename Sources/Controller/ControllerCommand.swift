import ArgumentParser
import ControllerKit

@main
struct ControllerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "loom-controller",
        abstract: "Routes generation requests from HTTP and ZeroMQ clients to registered loom-worker processes.",
        subcommands: [Serve.self, Keygen.self],
        defaultSubcommand: Serve.self)
}

extension RoutingPolicy: ExpressibleByArgument {}
