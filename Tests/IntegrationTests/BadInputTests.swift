import Foundation
import Testing

extension Integration {
    @Suite("Bad input over HTTP")
    struct BadInputTests {
        struct Case: Sendable, CustomStringConvertible {
            let description: String
            let body: [UInt8]
            let status: Int
            let code: String
        }

        static let model = WorkerModel.tinyLLaVA.name

        /// A chat body with one user message of `content`, as JSON.
        static func chat(_ content: Any, model: String = model, stream: Bool) -> [UInt8] {
            let object: [String: Any] = ["model": model, "stream": stream, "max_tokens": 8, "messages": [["role": "user", "content": content]]]
            return Array((try? JSONSerialization.data(withJSONObject: object)) ?? Data())
        }

        /// A message of one image part, given as `url`, and a question.
        static func image(_ url: String) -> [[String: Any]] {
            [["type": "image_url", "image_url": ["url": url]], ["type": "text", "text": "What is it?"]]
        }

        static func dataURL(_ bytes: some Sequence<UInt8>, mime: String = "image/png") -> String {
            "data:\(mime);base64,\(Data(bytes).base64EncodedString())"
        }

        static func cases(stream: Bool) throws -> [Case] {
            let bomb = try Data(contentsOf: Paths.packageRoot.appendingPathComponent("Tests/ImageTestData/bomb_100000x100000.png"))
            let oversized = [UInt8](repeating: 0xA5, count: 21 << 20)
            return [
                Case(description: "invalid JSON", body: Array("{\"model\": \"\(model)\", \"messages\": [".utf8), status: 400, code: "bad_request"),
                Case(description: "an unknown model", body: chat("Hello", model: "no-such-model", stream: stream), status: 404, code: "no_model"),
                Case(description: "no messages", body: Array("{\"model\": \"\(model)\", \"stream\": \(stream)}".utf8), status: 400, code: "bad_request"),
                Case(description: "corrupt base64", body: chat(image("data:image/jpeg;base64,/9j/4AAQ!!not*base64"), stream: stream), status: 400, code: "bad_image"),
                Case(description: "bytes that are no image", body: chat(image(dataURL(Array(repeating: 7, count: 4096))), stream: stream), status: 400, code: "bad_image"),
                Case(description: "a 21 MiB image", body: chat(image(dataURL(oversized, mime: "image/jpeg")), stream: stream), status: 400, code: "bad_image"),
                Case(description: "a 100000 × 100000 PNG", body: chat(image(dataURL(bomb)), stream: stream), status: 400, code: "bad_image"),
                Case(description: "a prompt longer than the context", body: chat(String(repeating: "word ", count: 3000), stream: stream), status: 413, code: "prompt_too_long"),
                Case(description: "a prompt over the wire's 1 MiB text limit", body: chat(String(repeating: "word ", count: 300_000), stream: stream), status: 400, code: "bad_request"),
                Case(description: "a model name over the wire's 256-byte limit", body: chat("Hello", model: String(repeating: "m", count: 300), stream: stream), status: 400, code: "bad_request"),
            ]
        }

        /// Each bad request, streaming or not, gets its 4xx status and an OpenAI-style error body,
        /// and the server goes on serving: a good request after them all completes.
        @Test func eachGetsA4xxWithAnErrorBodyAndServingGoesOn() async throws {
            let cluster = try Cluster("bad-input")
            defer { cluster.stopAll() }
            let controller = try await cluster.startController()
            _ = try cluster.startWorker("w-a", .tinyLLaVA, controller: controller)
            #expect(await controller.waitForWorkers(["w-a"]), "\(cluster.logs)")

            for stream in [false, true] {
                for bad in try Self.cases(stream: stream) {
                    let response = try await controller.client.post("/v1/chat/completions", bad.body)
                    let what = "\(bad) (stream \(stream)): \(response.status) \(response.text.prefix(300))"
                    #expect(response.status == bad.status && response.errorCode == bad.code, "\(what)")
                    let message = response.error?["message"] as? String
                    #expect(message?.isEmpty == false, "\(what)")
                    #expect(response.error?["type"] as? String == "invalid_request_error", "\(what)")
                }
            }

            let good = try await controller.client.stream(
                ChatRequest(model: Self.model, text: "Still there?", images: [Paths.image("photo_200x150.jpg")]))
            #expect(good.completed, "\(good)\n\(cluster.logs)")
        }
    }
}
