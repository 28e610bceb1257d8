import ArgumentParser
import ZeroMQ

struct Keygen: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Writes a CURVE key pair: NAME.key (secret, for --curve-secret-key) and NAME.pub (for workers' --curve-server-key and clients).")

    @Option(help: "Directory to write the key files in (created if missing).") var out = "."
    @Option(help: "Name of the pair's files.") var name = "controller"

    func run() throws {
        print(try CurveKeyFile.generate(in: out, name: name))
    }
}
