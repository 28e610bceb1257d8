import Hummingbird
import NIOCore

/// The chat page the controller serves at `/`: plain HTML, a script and a style sheet held in the
/// binary as string literals (no build step, nothing fetched from elsewhere). It talks to the same
/// API as any client, sending the API key a user enters as `Authorization: Bearer`; the page's own
/// three paths need no key.
///
/// Stable hooks for tests: the `textarea`, the `input[type=file]`, the `button[type=submit]`, the
/// stop button `#stop`; each turn in an element with `data-role="user"` or `data-role="assistant"`
/// (an answer's `data-state`: `streaming`, `done`, `stopped` or `error`).
enum ChatPage {
    /// One file of the page.
    struct Asset: Sendable {
        let path: String
        let contentType: String
        let body: ByteBuffer

        init(_ path: String, _ contentType: String, _ text: String) {
            self.path = path
            self.contentType = contentType
            body = ByteBuffer(string: text)
        }

        /// Sent anew on every load (`no-cache`: a new binary's page is seen at once); the page may
        /// load nothing from anywhere but the controller, and run no inline script.
        var response: Response {
            var headers: HTTPFields = [.contentType: contentType, .cacheControl: "no-cache", .xContentTypeOptions: "nosniff"]
            if contentType.hasPrefix("text/html") {
                headers[.contentSecurityPolicy] =
                    "default-src 'self'; img-src 'self' data: blob:; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
            }
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: body))
        }
    }

    static let assets: [Asset] = [
        Asset("/", "text/html; charset=utf-8", html),
        Asset("/chat.js", "text/javascript; charset=utf-8", script),
        Asset("/chat.css", "text/css; charset=utf-8", style),
    ]

    /// The page's paths: open without an API key.
    static var paths: [String] { assets.map(\.path) }

    static let html = #"""
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Loom</title>
        <link rel="stylesheet" href="/chat.css">
        <script src="/chat.js" defer></script>
        </head>
        <body>
        <header>
          <h1>Loom</h1>
          <label>Model <select id="model" data-role="model"></select></label>
          <button type="button" id="refresh" title="Ask the controller for its models again">Refresh</button>
          <details id="settings">
            <summary>Settings</summary>
            <label>API key <input id="api-key" type="password" autocomplete="off" spellcheck="false" placeholder="none"></label>
            <label>Max tokens <input id="max-tokens" type="number" min="1" step="1" placeholder="1024"></label>
            <label>Temperature <input id="temperature" type="number" min="0" max="2" step="0.1" placeholder="default"></label>
          </details>
          <button type="button" id="new-chat">New chat</button>
        </header>
        <main id="log" aria-live="polite"></main>
        <div id="notice" role="alert" hidden></div>
        <form id="composer">
          <div id="attachments" aria-label="Images to send"></div>
          <textarea id="prompt" rows="3" placeholder="Ask something. Enter sends, Shift+Enter is a new line. Drop or paste images here."></textarea>
          <div class="actions">
            <label class="attach">Attach images<input id="file" type="file" accept="image/*" multiple></label>
            <span class="spacer"></span>
            <button type="button" id="stop" disabled>Stop</button>
            <button type="submit" id="send">Send</button>
          </div>
        </form>
        </body>
        </html>

        """#
}
