import ClusterSupport
import Foundation
import Testing
import TestSupport

/// The built loom-bench refuses bad options with one clear line on stderr.
@Suite("loom-bench's command line", .requires(.products("loom-bench")))
struct CommandLineTests {
    @Test(arguments: [
        ([] as [String], "give the controller with --url http://HOST:PORT or --controller tcp://HOST:PORT"),
        (["--url", "http://192.168.1.10:8080", "--concurrency", "2", "--requests", "5"], "refusing to load 192.168.1.10: not a loopback address"),
        (["--url", "http://127.0.0.1:8080", "--requests", "5"], "choose the load: --concurrency N (closed loop) or --rate R (open loop)"),
        (["--url", "http://127.0.0.1:8080", "--rate", "0", "--requests", "5"], "--rate must be a positive number of requests per second"),
        (["--url", "http://127.0.0.1:8080", "--concurrency", "2"], "say when to stop: --requests N or --duration SECONDS"),
        (["--url", "http://127.0.0.1:8080", "--concurrency", "x", "--requests", "5"], "The value 'x' is invalid for '--concurrency <concurrency>'"),
        (["--url", "http://127.0.0.1:8080", "--concurrency", "2", "--requests", "5", "--frobnicate"], "Unknown option '--frobnicate'"),
        (["--controller", "127.0.0.1:5559", "--concurrency", "2", "--requests", "5"], "--controller takes tcp://HOST:PORT"),
        (["--url", "http://127.0.0.1:8080", "--conversations", "4", "--turns", "0"], "--turns must be between 1 and 1000"),
        (["--url", "http://127.0.0.1:8080", "--conversations", "4", "--requests", "5"], "--conversations and --turns set the run's length"),
        (["--url", "http://127.0.0.1:8080", "--concurrency", "2", "--requests", "5", "--turns", "3"], "--turns goes with --conversations"),
    ])
    func badOptionsGiveOneLine(arguments: [String], expected: String) async throws {
        let result = try await Command.run(Executables.url("loom-bench").path, arguments, timeout: .seconds(30))
        #expect(result.status != 0)
        #expect(result.stdout.isEmpty)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(result.stderr)")
        #expect(lines.first?.hasPrefix("loom-bench: \(expected)") == true, "\(result.stderr)")
    }

    @Test
    func anUnreachableControllerIsOneLineToo() async throws {
        let result = try await Command.run(
            Executables.url("loom-bench").path, ["--url", "http://127.0.0.1:1", "--concurrency", "1", "--requests", "1"],
            timeout: .seconds(30))
        #expect(result.status == 1)
        #expect(result.stderr == "loom-bench: cannot reach http://127.0.0.1:1: connection refused\n")
    }
}
