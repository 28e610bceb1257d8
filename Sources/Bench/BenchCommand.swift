import ArgumentParser
import BenchKit
import Foundation

@main
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "loom-bench",
        abstract: "Measures a loom-controller under load: throughput, TTFT, TPOT, ITL and latency percentiles.",
        discussion: """
            Closed loop (--concurrency N streams) or open loop (--rate R arrivals per second, gamma \
            spaced with --burstiness; 1 is Poisson), for --requests N or --duration S; or \
            --conversations C of --turns T turns, each turn resending the history. \
            --system-prompt-tokens N starts every request with the same system message. Only loopback \
            targets unless --allow-remote.
            """)

    @Option(help: "The controller's HTTP API, http://HOST:PORT (streams SSE).") var url: String?
    @Option(help: "The controller's ZeroMQ client endpoint, tcp://HOST:PORT.") var controller: String?
    @Option(help: "Model to ask for (default: the first the controller serves).") var model: String?
    @Option(help: "Closed loop: this many requests in flight, each sent when the last ends.") var concurrency: Int?
    @Option(help: "Open loop: requests per second.") var rate: Double?
    @Option(help: "Open loop: shape of the gamma-distributed gaps (1 = Poisson, < 1 burstier).") var burstiness: Double?
    @Option(help: "Stop after this many requests.") var requests: Int?
    @Option(help: "Stop sending after this many seconds.") var duration: Double?
    @Option(help: "JSONL prompts: {\"prompt\": …, \"images\": [paths]} per line.") var prompts: String?
    @Flag(help: "Random prompts (the default).") var synthetic = false
    @Option(help: "Tokens per synthetic prompt (about; default 128).") var inputTokens: Int?
    @Option(help: "An image (JPEG or PNG) attached to every request (to each conversation's first turn); repeatable.")
    var image: [String] = []
    @Option(help: "Run this many multi-turn conversations (at most --concurrency at once; default all) instead of single requests.")
    var conversations: Int?
    @Option(help: "Requests per conversation, each sent with the whole history once the last is answered (default 4).")
    var turns: Int?
    @Option(help: "Begin every request with the same system message of about this many tokens.") var systemPromptTokens: Int?
    @Option(help: "Conversations: mean seconds between an answer and the next turn (exponentially distributed; default 0).")
    var thinkTime: Double?
    @Option(help: "Tokens to generate per request (end-of-sequence is ignored).") var maxTokens = 128
    @Option(help: "Requests sent and not measured before the run.") var warmup = 0
    @Option(help: "Seed of the prompts and arrivals.") var seed: UInt64 = 0
    @Option(help: "Also write every figure as JSON (SGLang bench_serving names) to this file.") var json: String?
    @Flag(help: "Allow a target that is not on this machine.") var allowRemote = false
    @Option(help: "Seconds within which each request must end.") var requestTimeout: Double = 300

    /// Argument errors are one line on stderr, without the usage text.
    static func main() async {
        do {
            let command = try parseAsRoot()
            guard let bench = command as? BenchCommand else {
                var other = command
                try other.run()
                return
            }
            try await bench.run()
        } catch let error as BenchError {
            fail(error.description, status: 1)
        } catch {
            guard exitCode(for: error) != .success else { exit(withError: error) }
            fail(message(for: error), status: exitCode(for: error).rawValue)
        }
    }

    private static func fail(_ message: String, status: Int32) -> Never {
        FileHandle.standardError.write(Data("loom-bench: \(message.split(separator: "\n").first ?? "")\n".utf8))
        Foundation.exit(status)
    }

    func run() async throws {
        let configuration: BenchConfiguration
        do {
            configuration = try arguments.configuration()
        } catch {
            throw ValidationError(error.description)
        }
        let report = try await Bench.run(configuration)
        print(report.text, terminator: "")
        if let path = configuration.jsonPath {
            do {
                try report.json().write(to: URL(fileURLWithPath: path))
            } catch {
                throw BenchError("cannot write \(path): \(error.localizedDescription)")
            }
        }
    }

    private var arguments: BenchArguments {
        var arguments = BenchArguments()
        arguments.url = url
        arguments.controller = controller
        arguments.model = model
        arguments.concurrency = concurrency
        arguments.rate = rate
        arguments.burstiness = burstiness
        arguments.requests = requests
        arguments.duration = duration
        arguments.prompts = prompts
        arguments.synthetic = synthetic
        arguments.inputTokens = inputTokens
        arguments.images = image
        arguments.conversations = conversations
        arguments.turns = turns
        arguments.systemPromptTokens = systemPromptTokens
        arguments.thinkTime = thinkTime
        arguments.maxTokens = maxTokens
        arguments.warmup = warmup
        arguments.seed = seed
        arguments.json = json
        arguments.allowRemote = allowRemote
        arguments.requestTimeout = requestTimeout
        return arguments
    }
}
