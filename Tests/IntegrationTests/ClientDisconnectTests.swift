import Foundation
import Testing

extension Integration {
    @Suite("A client that goes away")
    struct ClientDisconnectTests {
        /// A streaming client hangs up mid-stream: the request is cancelled at the worker, whose
        /// running count drops to zero within a few heartbeats.
        @Test func hangingUpFreesTheWorker() async throws {
            let cluster = try Cluster("disconnect")
            defer { cluster.stopAll() }
            let controller = try await cluster.startController()
            let worker = try cluster.startWorker("w-a", .tinyLLaVA, controller: controller)
            #expect(await controller.waitForWorkers(["w-a"]), "\(cluster.logs)")

            let hangUp = Flag()
            let long = ChatRequest(model: WorkerModel.tinyLLaVA.name, text: "Go on and on.", maxTokens: 2000, ignoreEOS: true)
            let client = controller.client
            let stream = Task { try await client.stream(long) { _ in !hangUp.isSet } }
            #expect(await eventually(within: .seconds(10)) { (await controller.workers()).first?.running == 1 }, "\(cluster.logs)")

            hangUp.set()
            let partial = try await stream.value
            let hungUpAt = ContinuousClock.now
            #expect(partial.contentEvents > 0 && partial.finishReason == nil)
            let freed = await eventually(within: .seconds(10), every: .milliseconds(10)) {
                (await controller.workers()).first?.running == 0
            }
            let freedAfter = ContinuousClock.now - hungUpAt
            print("the worker's running count dropped \(freedAfter) after the hang-up")
            #expect(freed && freedAfter <= Cluster.expiry + Cluster.slack, "still running \(freedAfter) after the hang-up")
            #expect(worker.log.contains(": cancelled,"), "the worker cancelled it: \(worker.logTail)")
        }
    }
}
