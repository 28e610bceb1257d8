import Foundation
import Testing

extension Integration {
    @Suite("Concurrent streams across two workers")
    struct ConcurrentStreamsTests {
        /// 40 streamed chat requests at once, half of them with an image (JPEG or PNG data URLs), through
        /// the controller to two workers on the tiny LLaVA: every one completes, and both workers serve some.
        @Test func fortyStreamsWithAndWithoutImagesAllCompleteOnBothWorkers() async throws {
            let cluster = try Cluster("streams")
            defer { cluster.stopAll() }
            let controller = try await cluster.startController()
            let workers = try ["w-a", "w-b"].map { try cluster.startWorker($0, .tinyLLaVA, controller: controller) }
            #expect(await controller.waitForWorkers(["w-a", "w-b"]), "\(cluster.logs)")

            let images = ["tiny_56.jpg", "tiny_56.png", "photo_200x150.jpg"].map(Paths.image)
            let requests = (0..<40).map { i in
                ChatRequest(
                    model: WorkerModel.tinyLLaVA.name, text: "Request \(i): what is in the picture?",
                    images: i.isMultiple(of: 2) ? [images[i / 2 % images.count]] : [], maxTokens: 12 + i % 8, ignoreEOS: true)
            }
            let client = controller.client
            let results = try await withThrowingTaskGroup(of: StreamResult.self) { group in
                for request in requests { group.addTask { try await client.stream(request) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }

            #expect(results.count == 40)
            for result in results where !result.completed {
                Issue.record("a stream did not complete: \(result)")
            }
            // The workers log each request as they send its end: give the last lines a moment.
            #expect(await eventually(within: .seconds(5)) { workers.map(\.finishedRequests).reduce(0, +) == 40 },
                    "finished per worker: \(workers.map(\.finishedRequests))\n\(cluster.logs)")
            for worker in workers {
                #expect(worker.finishedRequests > 0, "\(worker.name) served none of the 40")
            }
        }
    }
}
