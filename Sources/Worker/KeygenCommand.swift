import ArgumentParser
import ZeroMQ

struct KeygenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keygen",
        abstract: "Writes a CURVE key pair: NAME.key (secret, for --curve-key) and NAME.pub (to list in the controller's --worker-keys).")

    @Option(help: "Directory to write the key files in (created if missing).") var out = "."
    @Option(help: "Name of the pair's files.") var name = "worker"

    func run() throws {
        print(try CurveKeyFile.generate(in: out, name: name))
    }
}
