import ControllerKit
import Foundation
import Logging
import LoomProtocol
import Testing
import TestSupport
import WorkerKit
import ZeroMQ

/// Real workers (the tiny model, compute loop, comms thread) against a controller with CURVE on and a
/// worker allow-list: a listed worker serves, an unlisted one is refused before it can register,
/// and re-reading the list lets it in.
@Suite(.serialized, .requires(.sharedFixtures))
struct CurveControllerTests {
    static func worker(
        _ id: String, controller: SocketRelay, serverKey: String, keys: CurveKeyPair, healthFile: URL
    ) -> WorkerOptions {
        var options = WorkerOptions(controller: controller.workerEndpoint, model: Paths.tinyModel, workerID: id, advertise: "127.0.0.1")
        // Generous liveness: the suite shares two cores with every other test; nothing here is timed.
        options.heartbeat = .milliseconds(200)
        options.liveness = 10
        options.maxRunning = 4
        options.kvBudgetBytes = 8 << 20
        options.threads = 1
        options.drain = .seconds(1)
        options.curveServerKey = serverKey
        options.curveKeys = keys
        options.healthFile = healthFile.path
        return options
    }

    static func request() -> GenerationRequest {
        var sampling = SamplingParameters()
        sampling.maxTokens = 8
        sampling.temperature = 0
        sampling.ignoreEOS = true
        return GenerationRequest(id: "", model: Paths.tinyModelName, prompt: .text("Hello there"), sampling: sampling)
    }

    /// The last event of a request's stream: FINAL or ERROR.
    static func outcome(of stream: GenerationStream) async -> GenerationStream.Event? {
        var last: GenerationStream.Event?
        for await event in stream { last = event }
        return last
    }

    static func health(_ file: URL) -> String {
        ((try? String(contentsOf: file, encoding: .utf8)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func isFinal(_ event: GenerationStream.Event?) -> Bool {
        if case .final(let final)? = event { final.finishReason == .length } else { false }
    }

    @Test func anUnlistedWorkerIsRefusedUntilTheListIsReloaded() async throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let controllerKeys = try CurveKeyPair(), listedKeys = try CurveKeyPair(), unlistedKeys = try CurveKeyPair()
        let list = directory.appendingPathComponent("workers.keys")
        try "# workers let in\n\(listedKeys.publicKey)  # listed\n".write(to: list, atomically: true, encoding: .utf8)

        var configuration = ControllerConfiguration()
        configuration.workerEndpoint = "tcp://127.0.0.1:*"
        configuration.clientEndpoint = "tcp://127.0.0.1:*"
        configuration.liveness = Liveness(heartbeatInterval: .milliseconds(200), liveness: 10)
        configuration.security = ControllerSecurity(keys: controllerKeys, workerKeysPath: list.path)
        let controllerLog = LogRecorder("controller")
        let controller = try SocketRelay.start(configuration, logger: controllerLog.logger)
        defer { controller.shutdown() }
        #expect(controller.keyCounts == KeyCounts(workers: 1, clients: nil))

        let quiet = LogRecorder("listed", level: .warning)
        let listed = try WorkerService(
            options: Self.worker("listed", controller: controller, serverKey: controllerKeys.publicKey, keys: listedKeys,
                                 healthFile: directory.appendingPathComponent("listed.health")),
            logger: quiet.logger)
        defer { listed.stop() }
        #expect(await eventually { controller.snapshot.liveWorkers.map(\.id) == ["listed"] })
        let first = await Self.outcome(of: controller.submit(Self.request()))
        #expect(Self.isFinal(first), "\(String(describing: first))")

        // The unlisted worker knocks: refused by ZAP, logged with its key, never registered, never sent a request.
        let unlistedLog = LogRecorder("unlisted", level: .debug)
        let unlistedHealth = directory.appendingPathComponent("unlisted.health")
        let unlisted = try WorkerService(
            options: Self.worker("unlisted", controller: controller, serverKey: controllerKeys.publicKey, keys: unlistedKeys,
                                 healthFile: unlistedHealth),
            logger: unlistedLog.logger)
        defer { unlisted.stop() }
        #expect(await eventually { !controllerLog.matching("refused a worker connection", unlistedKeys.publicKey).isEmpty })
        for _ in 0..<4 {
            let outcome = await Self.outcome(of: controller.submit(Self.request()))
            #expect(Self.isFinal(outcome), "\(String(describing: outcome))")
        }
        #expect(!controller.snapshot.status.workers.contains { $0.id == "unlisted" })
        #expect(unlistedLog.matching("queued").isEmpty, "the refused worker never gets a request")
        #expect(await eventually { Self.health(unlistedHealth) == "disconnected" })
        #expect(Self.health(directory.appendingPathComponent("listed.health")) == "connected")

        // The key is added and the list re-read (what SIGHUP does): the worker gets in and serves.
        try "\(listedKeys.publicKey)\n\(unlistedKeys.publicKey)\n".write(to: list, atomically: true, encoding: .utf8)
        #expect(try controller.reloadKeys() == KeyCounts(workers: 2, clients: nil))
        #expect(await eventually { controller.snapshot.liveWorkers.contains { $0.id == "unlisted" } })
        #expect(await eventually { Self.health(unlistedHealth) == "connected" })
        let outcomes = await withTaskGroup(of: GenerationStream.Event?.self) { group in
            for _ in 0..<8 { group.addTask { await Self.outcome(of: controller.submit(Self.request())) } }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(outcomes.allSatisfy(Self.isFinal), "\(outcomes)")
        #expect(!unlistedLog.matching("queued").isEmpty, "once listed, the worker serves")
    }

    @Test func aMalformedListStopsTheStartAndAFailedReloadKeepsTheOldList() throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let list = directory.appendingPathComponent("workers.keys")
        try "not a key\n".write(to: list, atomically: true, encoding: .utf8)
        var configuration = ControllerConfiguration()
        configuration.workerEndpoint = "tcp://127.0.0.1:*"
        configuration.clientEndpoint = "tcp://127.0.0.1:*"
        configuration.security = ControllerSecurity(keys: try CurveKeyPair(), workerKeysPath: list.path)
        #expect(throws: CurveKeyFileError.malformed(list.path, line: 1)) {
            try SocketRelay.start(configuration, logger: LogRecorder("c").logger)
        }

        try "\(try CurveKeyPair().publicKey)\n".write(to: list, atomically: true, encoding: .utf8)
        let controller = try SocketRelay.start(configuration, logger: LogRecorder("c").logger)
        defer { controller.shutdown() }
        try FileManager.default.removeItem(at: list)
        #expect(throws: CurveKeyFileError.unreadable(list.path)) { try controller.reloadKeys() }
        #expect(controller.keyCounts == KeyCounts(workers: 1, clients: nil))
    }
}
