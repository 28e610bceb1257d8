import Foundation
import Testing

extension Integration {
    @Suite("Workers that die or freeze")
    struct WorkerFailureTests {
        /// Two workers running two sequences each with two more queued, eight long streams in all; one
        /// worker is killed with SIGKILL while its streams run. Its streamed requests end with
        /// `worker_lost`, its queued ones complete on the other worker, it leaves `/v1/workers` within
        /// the liveness period, and nothing hangs. Then the other one goes too, and the model leaves `/v1/models`.
        @Test func killedWorkersRequestsEndOrMoveAndItLeavesTheListings() async throws {
            let cluster = try Cluster("kill")
            defer { cluster.stopAll() }
            let controller = try await cluster.startController()
            let maxRunning = 2
            let doomed = try cluster.startWorker("w-doomed", .tinyLLaVA, controller: controller, options: ["--max-running", "\(maxRunning)"])
            let survivor = try cluster.startWorker("w-survivor", .tinyLLaVA, controller: controller, options: ["--max-running", "\(maxRunning)"])
            #expect(await controller.waitForWorkers(["w-doomed", "w-survivor"]), "\(cluster.logs)")

            // The controller dispatches up to 2 × max_running to a worker: all eight are dispatched, four each.
            let count = 4 * maxRunning
            let streaming = Counter()
            let request = ChatRequest(model: WorkerModel.tinyLLaVA.name, text: "Tell a long story.", maxTokens: 200, ignoreEOS: true)
            let client = controller.client
            let streams = Task {
                try await withThrowingTaskGroup(of: StreamResult.self) { group in
                    for _ in 0..<count {
                        group.addTask {
                            try await client.stream(request) { result in
                                if result.contentEvents == 1 { streaming.increment() }
                                return true
                            }
                        }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
            }
            // Both workers' first two have streamed: the doomed one is mid-generation.
            let running = await eventually(within: .seconds(20)) {
                let doomedRunning = await controller.workers().first { $0.id == "w-doomed" }?.running
                return streaming.value >= 2 * maxRunning && doomedRunning == maxRunning
            }
            #expect(running, "\(cluster.logs)")
            #expect(doomed.finishedRequests == 0, "the doomed worker finished a request before it was killed")
            let killedAt = ContinuousClock.now
            doomed.stop(SIGKILL)

            let left = await eventually(within: .seconds(10), every: .milliseconds(10)) {
                !(await controller.workers()).contains { $0.id == "w-doomed" }
            }
            let leftAfter = ContinuousClock.now - killedAt
            print("the killed worker left /v1/workers after \(leftAfter)")
            #expect(left && leftAfter <= Cluster.expiry + Cluster.slack, "the dead worker was listed for \(leftAfter)")

            let results = try await streams.value
            let lost = results.filter { $0.errorCode != nil }
            let completed = results.filter(\.completed)
            #expect(lost.count + completed.count == count, "every stream ends one way or the other: \(results)")
            #expect((1...maxRunning).contains(lost.count), "the doomed worker's running streams are lost: \(lost)")
            for result in lost {
                #expect(result.errorCode == "worker_lost" && result.contentEventsBeforeError > 0 && result.sawDone, "\(result)")
            }
            // The survivor had four of its own; everything completed ran there, queued requests of the doomed one too.
            #expect(completed.count >= count - maxRunning)
            #expect(await eventually(within: .seconds(5)) { survivor.finishedRequests == completed.count },
                    "survivor finished \(survivor.finishedRequests), clients saw \(completed.count) complete")

            let goneAt = ContinuousClock.now
            survivor.stop(SIGKILL)
            let modelLeft = await eventually(within: .seconds(10), every: .milliseconds(10)) { await controller.models().isEmpty }
            let modelLeftAfter = ContinuousClock.now - goneAt
            print("the model of the last killed worker left /v1/models after \(modelLeftAfter)")
            #expect(modelLeft && modelLeftAfter <= Cluster.expiry + Cluster.slack, "the model was listed for \(modelLeftAfter)")
            let refused = try await controller.client.chat(request)
            #expect(refused.status == 503 && refused.errorCode == "no_live_worker", "\(refused.status) \(refused.text)")
        }

        /// A worker frozen with SIGSTOP keeps its connection open: only its silence tells. It leaves
        /// the listings within the liveness period, and once resumed it registers again and serves.
        @Test func frozenWorkerLeavesByHeartbeatAndComesBack() async throws {
            let cluster = try Cluster("freeze")
            defer { cluster.stopAll() }
            let controller = try await cluster.startController()
            let worker = try cluster.startWorker("w-a", .tinyLLaVA, controller: controller)
            #expect(await controller.waitForWorkers(["w-a"]), "\(cluster.logs)")

            let frozenAt = ContinuousClock.now
            kill(worker.pid, SIGSTOP)
            let left = await eventually(within: .seconds(10), every: .milliseconds(10)) {
                let (workers, models) = (await controller.workers(), await controller.models())
                return workers.isEmpty && models.isEmpty
            }
            let leftAfter = ContinuousClock.now - frozenAt
            print("the frozen worker left /v1/workers and /v1/models after \(leftAfter)")
            #expect(left && leftAfter <= Cluster.expiry + Cluster.slack, "the frozen worker was listed for \(leftAfter)")

            kill(worker.pid, SIGCONT)
            #expect(await controller.waitForWorkers(["w-a"], within: .seconds(10)), "\(cluster.logs)")
            let result = try await controller.client.stream(ChatRequest(model: WorkerModel.tinyLLaVA.name, text: "Awake?"))
            #expect(result.completed, "\(result)")
        }
    }
}
