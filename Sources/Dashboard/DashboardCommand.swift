import ArgumentParser
import AsyncHTTPClient
import ClientKit
import DashboardKit
import Foundation

@main
struct DashboardCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "loom-top",
        abstract: "A live view of a loom-controller: its rates and queue, and one row per worker.",
        discussion: """
            Keys: q or Ctrl-C quits, s cycles the sort, h shows help. Colour is used on a terminal \
            unless NO_COLOR is set.
            """)

    @Option(help: "The controller's ZeroMQ client endpoint (STATUS; the default path).")
    var controller: String?
    @Option(help: "The controller's HTTP API instead (GET /v1/workers and /metrics).")
    var url: String?
    @Option(help: "Milliseconds between polls.") var interval = 1000
    @Flag(help: "Print one frame as plain text and exit (status 1 if the controller did not answer).")
    var once = false

    func validate() throws {
        guard controller == nil || url == nil else { throw ValidationError("give --controller or --url, not both") }
        guard (50...60_000).contains(interval) else { throw ValidationError("--interval takes 50 to 60000 milliseconds") }
        _ = try address()
    }

    func run() throws {
        let address = try address()
        let interval = Duration.milliseconds(interval)
        // A poll waits for its answer at most an interval, within 0.5 to 2 s.
        let timeout = min(max(interval, .milliseconds(500)), .seconds(2))
        // With --url, one HTTP client for the process, shut down on every way out of here.
        let http: HTTPClient? = if case .http = address { ControllerHTTPClient.make(connectTimeout: timeout) } else { nil }
        defer { try? http?.syncShutdown() }
        let makeSource: @Sendable () throws -> any StatusSource = {
            if let http { return HTTPStatusSource(client: http, address: address, timeout: timeout) }
            return try ZeroMQStatusSource(address: address, timeout: timeout)
        }
        let environment = ProcessInfo.processInfo.environment
        let glyphs = Glyphs.forEnvironment(environment)
        if once {
            let size = RawTerminal.size(of: STDOUT_FILENO) ?? Self.sizeFromEnvironment(environment)
            let frame = Dashboard.once(source: try makeSource(), intervalMs: self.interval, size: size, glyphs: glyphs)
            FileHandle.standardOutput.write(Data(frame.text.utf8))
            if !frame.ok { throw ExitCode(1) }
            return
        }
        guard let terminal = RawTerminal() else {
            throw ValidationError("the live view needs a terminal; use --once for plain text")
        }
        let colour = isatty(STDOUT_FILENO) == 1 && (environment["NO_COLOR"] ?? "").isEmpty && environment["TERM"] != "dumb"
        try Dashboard.run(
            terminal: terminal, description: address.description, interval: interval, colour: colour, glyphs: glyphs,
            makeSource: makeSource)
    }

    private func address() throws -> ControllerAddress {
        do {
            if let url { return try .http(url) }
            return try .zeroMQ(controller ?? "tcp://127.0.0.1:5559")
        } catch {
            throw ValidationError(error.description)
        }
    }

    /// `COLUMNS` wide (100 if unset) and as tall as the frame needs.
    private static func sizeFromEnvironment(_ environment: [String: String]) -> TerminalSize {
        TerminalSize(columns: environment["COLUMNS"].flatMap { Int($0) }.flatMap { $0 > 0 ? $0 : nil } ?? 100, rows: .max)
    }
}
