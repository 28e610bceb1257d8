import Foundation
import Testing

extension Integration {
    @Suite("A restarted controller")
    struct ControllerRestartTests {
        /// The controller is killed and a new one started on the same ports: the workers register
        /// with it within the liveness period and serve new requests.
        @Test func workersRegisterAgainAndServe() async throws {
            let cluster = try Cluster("restart")
            defer { cluster.stopAll() }
            let first = try await cluster.startController()
            let ids: Set = ["w-a", "w-b"]
            for id in ids { _ = try cluster.startWorker(id, .tinyLLaVA, controller: first) }
            #expect(await first.waitForWorkers(ids), "\(cluster.logs)")

            first.child.stop(SIGKILL)
            let second = try await cluster.startController(endpoints: first.endpoints)
            let startedAt = ContinuousClock.now
            let registered = await second.waitForWorkers(ids, within: .seconds(10))
            let registeredAfter = ContinuousClock.now - startedAt
            print("the workers registered with the restarted controller after \(registeredAfter)")
            #expect(registered && registeredAfter <= Cluster.expiry + Cluster.slack,
                    "workers registered \(registeredAfter) after the restart\n\(cluster.logs)")

            for image in ["tiny_56.jpg", "tiny_56.png"] {
                let request = ChatRequest(model: WorkerModel.tinyLLaVA.name, text: "And now?", images: [Paths.image(image)])
                let result = try await second.client.stream(request)
                #expect(result.completed, "\(result)")
            }
        }
    }
}
