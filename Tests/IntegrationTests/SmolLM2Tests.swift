import Engine
import Foundation
import Testing
import TestSupport

extension Integration {
    @Suite("SmolLM2 through the controller")
    struct SmolLM2Tests {
        /// The default model answers a greedy chat request through the HTTP API correctly.
        @Test(.requires(.smolLM2))
        func knowsTheCapitalOfFrance() async throws {
            let cluster = try Cluster("smollm2")
            defer { cluster.stopAll() }
            let controller = try await cluster.startController()
            let model = WorkerModel.smolLM2(try #require(DefaultModel.path))
            _ = try cluster.startWorker("w-smol", model, controller: controller)
            #expect(await controller.waitForWorkers(["w-smol"]), "\(cluster.logs)")

            let answer = try await controller.client.chat(
                ChatRequest(model: model.name, text: "What is the capital of France?", maxTokens: 64, temperature: 0))
            let choices = answer.json?["choices"] as? [[String: Any]]
            let content = (choices?.first?["message"] as? [String: Any])?["content"] as? String ?? ""
            #expect(answer.status == 200 && content.contains("Paris"), "\(answer.status) \(answer.text)")
        }

        /// Batch invariance as a client sees it: greedy requests answered alone, then again while 12
        /// sampled streams of other prompts run beside them on the same worker, give the same text.
        @Test(.requires(.smolLM2))
        func greedyAnswersAreTheSameAloneAndBesideTwelveStreams() async throws {
            let cluster = try Cluster("smollm2-invariance")
            defer { cluster.stopAll() }
            let controller = try await cluster.startController()
            let model = WorkerModel.smolLM2(try #require(DefaultModel.path))
            _ = try cluster.startWorker("w-smol", model, controller: controller)
            #expect(await controller.waitForWorkers(["w-smol"]), "\(cluster.logs)")
            let client = controller.client
            let questions = ["Name three colours.", "Write a haiku about rain.", "What is 17 times 3?"].map {
                ChatRequest(model: model.name, text: $0, maxTokens: 48, temperature: 0)
            }
            func answer(_ request: ChatRequest) async throws -> String {
                let response = try await client.chat(request)
                let choices = response.json?["choices"] as? [[String: Any]]
                return (choices?.first?["message"] as? [String: Any])?["content"] as? String ?? "status \(response.status)"
            }
            var alone: [String] = []
            for q in questions { alone.append(try await answer(q)) }

            let beside = try await withThrowingTaskGroup(of: (Int, String).self) { group in
                for i in 0..<12 {
                    group.addTask {
                        let noise = ChatRequest(model: model.name, text: "Tell story number \(i) about a \(["fox", "ship", "city"][i % 3]).",
                                                maxTokens: 160, temperature: 0.9, ignoreEOS: true)
                        _ = try await client.stream(noise)
                        return (-1, "")
                    }
                }
                try await Task.sleep(for: .milliseconds(300))  // the streams are decoding
                for (i, q) in questions.enumerated() { group.addTask { (i, try await answer(q)) } }
                var answers = [String](repeating: "", count: questions.count)
                for try await (i, text) in group where i >= 0 { answers[i] = text }
                return answers
            }
            for (i, (a, b)) in zip(alone, beside).enumerated() {
                #expect(!a.isEmpty && a == b, "question \(i): alone \(a.debugDescription), beside 12 streams \(b.debugDescription)")
            }
        }
    }
}
