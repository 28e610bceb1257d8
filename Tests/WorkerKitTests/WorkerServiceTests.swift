import Engine
import Foundation
import Logging
import LoomProtocol
import Testing
import TestSupport
import WorkerKit
import ZeroMQ

/// A real worker (model, compute loop, comms thread) against this test playing the controller with a
/// ROUTER on loopback.
@Suite(.serialized, .requires(.smolLM2))
struct WorkerServiceTests {
    static func options(_ endpoint: String) throws -> WorkerOptions {
        var o = WorkerOptions(controller: endpoint, model: try #require(DefaultModel.path), workerID: "test-worker", advertise: "127.0.0.1")
        o.heartbeat = .milliseconds(100)
        o.maxRunning = 16
        o.kvBudgetBytes = 64 << 20
        o.drain = .seconds(5)
        return o
    }

    static func chat(_ id: String, _ text: String, maxTokens: Int = 16) -> GenerationRequest {
        var sampling = LoomProtocol.SamplingParameters()
        sampling.temperature = 0
        sampling.maxTokens = maxTokens
        return GenerationRequest(id: id, model: "SmolLM2-135M-Instruct",
                                 prompt: .chat([ChatMessage(role: .user, parts: [.text(text)])]), sampling: sampling)
    }

    @Test func registersHeartbeatsAndStreamsConcurrentRequests() throws {
        let controller = try WorkerDriver()
        let service = try WorkerService(options: Self.options(controller.endpoint), logger: Logger(label: "test"))
        defer { service.stop() }

        let r = try #require(try controller.waitForRegistration())
        #expect(r.workerId == "test-worker" && r.host == "127.0.0.1" && r.version == WorkerService.version)
        #expect(r.models == [ModelInfo(name: "SmolLM2-135M-Instruct", contextLength: 8192, multimodal: false)])
        #expect(r.capacity.maxRunningSequences == 16 && r.capacity.kvBlocks > 0 && r.capacity.kvBlockTokens == 16)

        _ = try controller.pump(for: .milliseconds(500)) { _, _ in false }
        #expect(controller.loads.count >= 2, "heartbeats every 100 ms")
        #expect(controller.loads.last?.kvBlocksTotal == r.capacity.kvBlocks)

        // A malformed message is logged and ignored.
        try controller.sendRaw([Array("LOOMW1".utf8), [0x7f], [1, 2, 3]])
        try controller.sendRaw([[0xde, 0xad]])

        // Sixteen streamed requests at once.
        let topics = (0..<16).map { "Name one thing about the number \($0)." }
        for (i, t) in topics.enumerated() { try controller.send(.request(Self.chat("r\(i)", t))) }
        var text: [String: String] = [:], tokens: [String: Int] = [:], finals: [String: Final] = [:]
        var busiest = 0
        let all = try controller.pump(for: .seconds(120)) { message, _ in
            switch message {
            case .partial(let p):
                text[p.requestId, default: ""] += p.text
                tokens[p.requestId, default: 0] += p.tokens.count
                #expect(p.completionTokens == tokens[p.requestId])
            case .final(let f):
                finals[f.requestId] = f
            case .error(let e):
                Issue.record("unexpected error \(e)")
            default: break
            }
            busiest = max(busiest, controller.loads.last?.running ?? 0)
            return finals.count == topics.count
        }
        #expect(all)
        #expect(busiest > 1, "requests ran together")
        for i in 0..<16 {
            let f = try #require(finals["r\(i)"])
            #expect(f.usage.completionTokens == tokens["r\(i)"] ?? 0 && f.usage.completionTokens > 0)
            #expect(!(text["r\(i)"] ?? "").isEmpty)
        }

        // The controller goes away and comes back on the same port: the worker's heartbeats reach an
        // empty registry, which answers not_registered, and the worker registers again.
        try controller.rebind()
        let before = controller.registrations.count
        let again = try controller.pump(for: .seconds(10)) { message, _ in
            if case .heartbeat = message { try? controller.send(.disconnect(Disconnect(reason: .notRegistered))) }
            if case .ready = message { return true }
            return false
        }
        #expect(again && controller.registrations.count == before + 1)
    }

    @Test func refusesWhatCannotRunAndServesOn() throws {
        let controller = try WorkerDriver()
        let service = try WorkerService(options: Self.options(controller.endpoint), logger: Logger(label: "test"))
        defer { service.stop() }
        #expect(try controller.waitForRegistration() != nil)

        var long = Self.chat("long", String(repeating: "word ", count: 9000), maxTokens: 8)
        long.model = "SmolLM2-135M-Instruct"
        try controller.send(.request(long))
        try controller.send(.request(GenerationRequest(id: "other", model: "some-other-model", prompt: .text("hi"))))
        try controller.send(.request(GenerationRequest(id: "img", model: "", prompt: .text("<image> what is it?"), images: [[1, 2, 3]])))
        var errors: [String: ErrorCode] = [:]
        _ = try controller.pump(for: .seconds(20)) { message, _ in
            if case .error(let e) = message { errors[e.requestId] = e.code }
            return errors.count == 3
        }
        #expect(errors == ["long": .promptTooLong, "other": .noModel, "img": .badImage])

        try controller.send(.request(Self.chat("after", "Say hello.")))
        let served = try controller.pump(for: .seconds(30)) { m, _ in if case .final(let f) = m { f.requestId == "after" } else { false } }
        #expect(served)
    }
}
