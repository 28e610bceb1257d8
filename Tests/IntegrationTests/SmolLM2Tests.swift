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
    }
}
