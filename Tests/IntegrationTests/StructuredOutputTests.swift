import Engine
import Foundation
import TestSupport
import Testing

extension Integration {
    @Suite("Structured output and tools through the openai client")
    struct StructuredOutputTests {
        /// json_object, a json_schema with every supported keyword, a GBNF grammar, required and named
        /// tool calls (streamed and not), a tool round trip, and the 400s: on SmolLM2, sampled, every
        /// answer checked by `jsonschema` in the script.
        @Test(.requires(.openAI), .requires(.smolLM2))
        func constrainedAnswersValidate() async throws {
            let cluster = try Cluster("structured")
            defer { cluster.stopAll() }
            let controller = try await cluster.startController()
            let model = WorkerModel.smolLM2(try #require(DefaultModel.path))
            _ = try cluster.startWorker("w-s", model, controller: controller)
            #expect(await controller.waitForWorkers(["w-s"]), "\(cluster.logs)")

            let script = Paths.packageRoot.appendingPathComponent("Tests/IntegrationTests/Scripts/openai_structured.py").path
            let run = try await offThePool {
                try PythonScript.run([script, "http://\(controller.endpoints.http)/v1", model.name])
            }
            #expect(run.status == 0, "the script failed: \(run.output)\n\(cluster.logs)")
            let lastLine = run.output.split(separator: "\n").last.map(String.init) ?? ""
            let figures = try #require(try JSONSerialization.jsonObject(with: Data(lastLine.utf8)) as? [String: Int], "\(run.output)")
            #expect(figures["json_object"] == 4)
            #expect(figures["json_schema"] == 5)
            #expect(figures["tool_calls"] == 2)
        }
    }
}
