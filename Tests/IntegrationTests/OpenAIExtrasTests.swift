import Engine
import Foundation
import TestSupport
import Testing

extension Integration {
    @Suite("n, logit_bias, echo and models with the openai Python client")
    struct OpenAIExtrasTests {
        /// `Scripts/openai_extras.py` against SmolLM2: it asserts every behaviour itself (n with
        /// seeds streamed and not, best_of and n refused, logit_bias banning and forcing, echo,
        /// echo with the prompt's log-probabilities, /v1/models); here its summary is checked once more.
        @Test(.requires(.smolLM2), .requires(.openAI))
        func extrasBehaveAsTheClientExpects() async throws {
            let model = WorkerModel.smolLM2(try #require(DefaultModel.path))
            let cluster = try Cluster("openai-extras")
            defer { cluster.stopAll() }
            let controller = try await cluster.startController()
            _ = try cluster.startWorker("w-x", model, controller: controller)
            #expect(await controller.waitForWorkers(["w-x"]), "\(cluster.logs)")

            let script = Paths.packageRoot.appendingPathComponent("Tests/IntegrationTests/Scripts/openai_extras.py").path
            let worker = try Paths.executable("loom-worker").path
            let modelFile = try #require(DefaultModel.path)
            let arguments = [script, "http://\(controller.endpoints.http)/v1", model.name, worker, modelFile]
            let run = try await offThePool { try PythonScript.run(arguments, timeout: .seconds(240)) }
            #expect(run.status == 0, "the script failed: \(run.output)\n\(cluster.logs)")
            let lastLine = run.output.split(separator: "\n").last.map(String.init) ?? ""
            let summary = try #require(try JSONSerialization.jsonObject(with: Data(lastLine.utf8)) as? [String: Any], "\(run.output)")
            let texts = summary["n_texts"] as? [String] ?? []
            #expect(Set(texts).count >= 2)
            let bias = summary["logit_bias"] as? [String: Any] ?? [:]
            let forced = bias["forced"] as? String
            let banned = bias["banned"] as? String, greedy = bias["greedy"] as? String
            #expect(forced == " banana banana banana")
            #expect(banned != greedy)
            let echo = summary["echo"] as? String ?? ""
            #expect(echo.hasPrefix("The capital of France is"))
            let echoed = summary["echo_logprobs"] as? [String: Any] ?? [:]
            let values = echoed["token_logprobs"] as? [Any] ?? []
            #expect(values.first is NSNull, "the prompt's first token has no log-probability")
            #expect(values.count > echoed["prompt_tokens"] as? Int ?? .max)
            let entry = summary["model"] as? [String: Any] ?? [:]
            #expect(entry["input_modalities"] as? [String] == ["text"])
        }
    }
}
