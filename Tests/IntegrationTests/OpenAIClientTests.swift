import Foundation
import TestSupport
import Testing

extension Integration {
    @Suite("The official openai Python client")
    struct OpenAIClientTests {
        /// The client streams a chat completion with an image (a JPEG data URL) from the tiny LLaVA
        /// through Loom, as it would from OpenAI.
        @Test(.requires(.openAI))
        func streamsAChatCompletionWithAnImage() async throws {
            let cluster = try Cluster("openai")
            defer { cluster.stopAll() }
            let controller = try await cluster.startController()
            _ = try cluster.startWorker("w-a", .tinyLLaVA, controller: controller)
            #expect(await controller.waitForWorkers(["w-a"]), "\(cluster.logs)")

            let script = Paths.packageRoot.appendingPathComponent("Tests/IntegrationTests/Scripts/openai_stream.py").path
            let run = try await offThePool {
                try PythonScript.run([script, "http://\(controller.endpoints.http)/v1", WorkerModel.tinyLLaVA.name, Paths.image("tiny_56.jpg").path])
            }
            #expect(run.status == 0, "the script failed: \(run.output)\n\(cluster.logs)")
            let lastLine = run.output.split(separator: "\n").last.map(String.init) ?? ""
            let answer = try #require(try JSONSerialization.jsonObject(with: Data(lastLine.utf8)) as? [String: Any], "\(run.output)")
            #expect((answer["chunks"] as? Int ?? 0) > 0)
            #expect(!(answer["text"] as? String ?? "").isEmpty)
            #expect(["length", "stop"].contains(answer["finish_reason"] as? String))
            let usage = try #require(answer["usage"] as? [String: Any], "usage comes in a last chunk of its own")
            // The tiny projector gives 16 image positions: they count as prompt tokens.
            #expect((usage["prompt_tokens"] as? Int ?? 0) > 16)
            #expect((1...16).contains(usage["completion_tokens"] as? Int ?? 0))
            // logprobs=True, top_logprobs=3: one entry per generated token, streamed and not, the
            // greedy token first among the three; both runs are greedy, so the same.
            let streamed = answer["logprobs"] as? [[String: Any]] ?? []
            let whole = answer["whole_logprobs"] as? [[String: Any]] ?? []
            #expect(streamed.count == usage["completion_tokens"] as? Int)
            #expect(whole.count == (answer["whole_usage"] as? [String: Any])?["completion_tokens"] as? Int)
            #expect(whole.count == streamed.count)
            #expect(answer["whole_text"] as? String == answer["text"] as? String)
            for entry in streamed + whole {
                let top = entry["top"] as? [[Any]] ?? []
                #expect(top.count == 3)
                let logprob = entry["logprob"] as? Double ?? 1
                #expect(logprob <= 0 && abs(logprob - (top.first?.first as? Double ?? 1)) < 1e-6, "greedy: the top token's")
                #expect(top.first?.last as? [Int] == entry["bytes"] as? [Int])
            }
        }
    }
}
