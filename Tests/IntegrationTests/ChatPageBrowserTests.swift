import Foundation
import TestSupport
import Testing

extension Integration {
    /// The controller's chat page in headless Chromium, driven by Selenium (Scripts/chat_page.py).
    /// Skipped, saying so, where Chromium, chromedriver or Selenium cannot be had: they come from
    /// apt and pip, which scripts/setup tries without making them a condition of the setup.
    @Suite("The chat page in a browser")
    struct ChatPageBrowserTests {
        static let script = Paths.packageRoot.appendingPathComponent("Tests/IntegrationTests/Scripts/chat_page.py").path

        /// Whether `chat_page.py --check` finds Selenium, Chromium and chromedriver.
        static let browserIsHere: Bool = (try? PythonScript.run([script, "--check"], timeout: .seconds(20)))?.status == 0

        /// With `--api-key` set: the page loads without the key, then, with the key entered, answers a
        /// question with a PNG attached through the file input, stops a long answer, and answers a
        /// follow-up that carries the conversation.
        @Test(.enabled(
            if: browserIsHere,
            "needs chromium, chromedriver (Debian's chromium-driver) and the selenium Python package; scripts/setup installs them where apt and pip can"))
        func chatsWithAnImageStopsAndFollowsUp() async throws {
            let cluster = try Cluster("chat-page")
            defer { cluster.stopAll() }
            let key = "chat-page-key"
            let controller = try await cluster.startController(["--api-key", key])
            _ = try cluster.startWorker("w-a", .tinyLLaVA, controller: controller)
            let live = await eventually(within: Cluster.patience) { (try? await controller.client.get("/health"))?.status == 200 }
            #expect(live, "\(cluster.logs)")

            let image = Paths.packageRoot.appendingPathComponent("Tests/ImageTestData/plain_37x23.png").path
            let run = try await offThePool {
                try PythonScript.run(
                    [Self.script, "http://\(controller.endpoints.http)", WorkerModel.tinyLLaVA.name, image, key], timeout: .seconds(50))
            }
            #expect(run.status == 0, "the browser script failed: \(run.output)\n\(cluster.logs)")
            let lastLine = run.output.split(separator: "\n").last.map(String.init) ?? ""
            let seen = try #require(try JSONSerialization.jsonObject(with: Data(lastLine.utf8)) as? [String: Any], "\(run.output)")
            #expect(seen["states"] as? [String] == ["done", "stopped", "done"])
            let answers = seen["answers"] as? [String] ?? []
            #expect(answers.count == 3 && answers.allSatisfy { !$0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty })
        }
    }
}
