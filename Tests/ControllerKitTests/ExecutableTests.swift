import Foundation
import LoomProtocol
import Testing

/// The built `loom-controller` itself: it starts, takes a worker, and stops cleanly on SIGTERM.
@Suite("loom-controller executable")
struct ExecutableTests {
    @Test(.enabled(if: ControllerProcess.isBuilt))
    func stopsCleanlyOnSIGTERMAndTellsWorkers() async throws {
        let controller = try await ControllerProcess(["--heartbeat-ms", "100"])
        let process = controller.process
        let workers = try #require(controller.workerEndpoint)
        let worker = try SyntheticWorker(SyntheticWorker.Settings(id: "w"), endpoint: workers)
        defer { worker.kill() }
        let port = try #require(controller.httpPort)
        #expect(await eventually {
            let listed = try? await HTTPConnection.exchange(port: port, "GET", "/v1/workers").json?["data"] as? [Any]
            return listed?.count == 1
        })

        kill(process.processIdentifier, SIGTERM)
        let disconnect = await worker.events.next(where: { if case .disconnect(let d) = $0 { d.reason == .shutdown } else { false } })
        #expect(disconnect != nil, "workers are told the controller is leaving")
        #expect(await eventually { !process.isRunning })
        #expect(process.terminationReason == .exit && process.terminationStatus == 0)
    }

    /// `--stall-seconds` reaches the relay: a worker that registers, heartbeats and never answers
    /// holds an HTTP request only that long before another worker serves it.
    @Test(.enabled(if: ControllerProcess.isBuilt))
    func aStalledWorkerIsDroppedAfterStallSeconds() async throws {
        let controller = try await ControllerProcess(["--heartbeat-ms", "100", "--stall-seconds", "0.5"])
        let workers = try #require(controller.workerEndpoint)
        let port = try #require(controller.httpPort)
        let rogue = try SyntheticWorker(SyntheticWorker.Settings(id: "rogue"), endpoint: workers)
        defer { rogue.kill() }
        rogue.set { $0.answers = false }
        #expect(await eventually {
            (try? await HTTPConnection.exchange(port: port, "GET", "/health"))?.status == 200
        })
        let asked = Task { try await HTTPConnection.exchange(port: port, "POST", "/v1/chat/completions", body: Array(chatBody().utf8)) }
        #expect(await rogue.events.next(where: { if case .request = $0 { true } else { false } }) != nil)
        let honest = try SyntheticWorker(SyntheticWorker.Settings(id: "honest"), endpoint: workers)
        defer { honest.kill() }
        let response = try await asked.value
        #expect(response.status == 200, "\(response.text)\n\(controller.log)")
        #expect(controller.log.contains("worker dropped: it made no progress for 0.5 s on its requests"), "\(controller.log)")
    }

    @Test(.enabled(if: ControllerProcess.isBuilt))
    func aStallTimeoutShorterThanTwoHeartbeatsIsRefused() throws {
        let process = Process()
        process.executableURL = ControllerProcess.executable
        process.arguments = ["--heartbeat-ms", "1000", "--stall-seconds", "1"]
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        process.waitUntilExit()
        let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus != 0)
        #expect(text.contains("--stall-seconds must be 0 (off) or at least two heartbeat intervals"), "\(text)")
    }
}
