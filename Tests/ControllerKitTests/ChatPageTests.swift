@testable import ControllerKit
import Foundation
import Testing

/// The chat page at `/`: served from the binary, with its test hooks, with or without API keys.
@Suite("Chat page")
struct ChatPageTests {
    @Test func rootServesThePageWithItsHooks() async throws {
        try await HTTPCluster.with { cluster in
            let page = try await cluster.get("/")
            #expect(page.status == 200)
            #expect(page.headers["content-type"] == "text/html; charset=utf-8")
            #expect(page.headers["content-security-policy"]?.contains("default-src 'self'") == true)
            for hook in ["<textarea", #"<input id="file" type="file" accept="image/*""#, #"<button type="submit""#, #"id="stop""#,
                         #"src="/chat.js""#, #"href="/chat.css""#] {
                #expect(page.text.contains(hook), "the page has \(hook)")
            }
            let script = try await cluster.get("/chat.js")
            #expect(script.status == 200 && script.headers["content-type"] == "text/javascript; charset=utf-8")
            for hook in [#"dataset.role = 'assistant'"#, #"dataset.role = 'user'"#, "stream_options: { include_usage: true }", "AbortController"] {
                #expect(script.text.contains(hook), "the script has \(hook)")
            }
            let style = try await cluster.get("/chat.css")
            #expect(style.status == 200 && style.headers["content-type"] == "text/css; charset=utf-8")
        }
    }

    @Test func thePageNeedsNoKeyButTheAPIStillDoes() async throws {
        try await HTTPCluster.with({ $0.apiKeys = ["sekrit"] }) { cluster in
            for path in ChatPage.paths {
                let response = try await cluster.get(path)
                #expect(response.status == 200, "\(path) without a key")
                #expect(response.body.count == ChatPage.assets.first { $0.path == path }?.body.readableBytes)
            }
            #expect(try await cluster.get("/", headers: ["Authorization": "Bearer wrong"]).status == 200)
            #expect(try await cluster.get("/v1/models").status == 401, "the page opens nothing else")
            #expect(try await cluster.get("/chat.js/x").status == 401, "only the page's own paths are open")
        }
    }

    @Test func otherMethodsAndPathsKeepTheAPIsAnswers() async throws {
        try await HTTPCluster.with { cluster in
            let post = try await cluster.post("/", json: "{}")
            #expect(post.status == 405 && post.headers["allow"] == "GET")
            #expect(try await cluster.get("/index.html").status == 404)
        }
    }
}
