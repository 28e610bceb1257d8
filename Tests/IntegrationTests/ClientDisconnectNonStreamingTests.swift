import Foundation
import Testing

extension Integration {
    @Suite("A client that goes away before a whole answer")
    struct ClientDisconnectNonStreamingTests {
        /// A non-streaming client hangs up while its long completion runs: the controller notices the
        /// closed connection and cancels the request at the worker at once, not at max_tokens, the
        /// context or the deadline. The tiny model fills its 2048-token context in about 1.5 s, so
        /// the bound is well under that, and the worker's log and the metrics must say cancelled.
        @Test func hangingUpWithoutStreamingFreesTheWorker() async throws {
            let cluster = try Cluster("disconnect-whole")
            defer { cluster.stopAll() }
            let controller = try await cluster.startController()
            let worker = try cluster.startWorker("w-a", .tinyLLaVA, controller: controller)
            #expect(await controller.waitForWorkers(["w-a"]), "\(cluster.logs)")

            let long = ChatRequest(model: WorkerModel.tinyLLaVA.name, text: "Go on and on.", maxTokens: 4000, ignoreEOS: true)
            let body = try long.body(stream: false)
            let connection = try HTTPConnection(port: controller.client.port)
            connection.send("POST", "/v1/chat/completions", body: body)
            #expect(await eventually(within: .seconds(10)) { (await controller.workers()).first?.running == 1 }, "\(cluster.logs)")

            connection.hangUp()
            let hungUpAt = ContinuousClock.now
            let freed = await eventually(within: .seconds(10), every: .milliseconds(10)) {
                (await controller.workers()).first?.running == 0
            }
            let freedAfter = ContinuousClock.now - hungUpAt
            print("the worker's running count dropped \(freedAfter) after the hang-up")
            #expect(freed && freedAfter <= .milliseconds(800), "still running \(freedAfter) after the hang-up")
            #expect(worker.log.contains(": cancelled,"), "the worker cancelled it: \(worker.logTail)")
            let metrics = try await controller.client.get("/metrics").text
            #expect(metrics.contains("loom_requests_total{outcome=\"cancelled\"} 1"), "\(metrics)")
        }
    }
}
