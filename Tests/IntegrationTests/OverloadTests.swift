import Foundation
import Testing

extension Integration {
    @Suite("Overload")
    struct OverloadTests {
        /// With room for two requests on the only worker and `--max-queue 1`, a fourth request is
        /// refused with 429 `overloaded` at once instead of waiting.
        @Test func aFullQueueAnswers429AtOnce() async throws {
            let cluster = try Cluster("overload")
            defer { cluster.stopAll() }
            let controller = try await cluster.startController(["--max-queue", "1"])
            _ = try cluster.startWorker("w-a", .tinyLLaVA, controller: controller, options: ["--max-running", "1"])
            #expect(await controller.waitForWorkers(["w-a"]), "\(cluster.logs)")

            let hangUp = Flag()
            let long = ChatRequest(model: WorkerModel.tinyLLaVA.name, text: "Go on and on.", maxTokens: 2000, ignoreEOS: true)
            let client = controller.client
            let streams = (0..<3).map { _ in
                Task { try await client.stream(long) { _ in !hangUp.isSet } }
            }
            #expect(await eventually(within: .seconds(10)) { await controller.metric("loom_queue_length") == 1 },
                    "two dispatched, one queued\n\(cluster.logs)")

            let sentAt = ContinuousClock.now
            let refused = try await client.chat(ChatRequest(model: WorkerModel.tinyLLaVA.name, text: "One more?"))
            let answeredAfter = ContinuousClock.now - sentAt
            print("refused with \(refused.status) after \(answeredAfter)")
            #expect(refused.status == 429 && refused.errorCode == "overloaded", "\(refused.status) \(refused.text)")
            #expect(answeredAfter < .seconds(2), "refused after \(answeredAfter)")

            hangUp.set()
            for stream in streams { _ = try await stream.value }
        }
    }
}
