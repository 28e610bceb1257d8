import Foundation
import TestSupport

/// An HTTP response read whole.
struct HTTPResponse: Sendable {
    let status: Int
    let body: [UInt8]

    var text: String { String(decoding: body, as: UTF8.self) }
    var json: [String: Any]? { (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] }
    /// `error` of an OpenAI-style error body.
    var error: [String: Any]? { json?["error"] as? [String: Any] }
    var errorCode: String? { error?["code"] as? String }
}

/// What a streamed completion delivered, as far as it got.
struct StreamResult: Sendable {
    var status = 0
    /// The deltas put together.
    var text = ""
    /// Events that carried text.
    var contentEvents = 0
    var finishReason: String?
    /// `error.code` of an error event, or of the plain error body when the status is not 200.
    var errorCode: String?
    /// Text events that arrived before the error event.
    var contentEventsBeforeError = 0
    var sawDone = false
    /// The body when the status was not 200.
    var errorBody = ""

    /// Ended as a stream should: text, a finish reason, `[DONE]`, no error.
    var completed: Bool { status == 200 && contentEvents > 0 && finishReason != nil && errorCode == nil && sawDone }
}

/// The controller's HTTP API on 127.0.0.1.
struct LoomClient: Sendable {
    let port: Int

    func get(_ path: String) async throws -> HTTPResponse {
        try await exchange("GET", path, body: [])
    }

    func post(_ path: String, _ body: [UInt8]) async throws -> HTTPResponse {
        try await exchange("POST", path, body: body)
    }

    func chat(_ request: ChatRequest) async throws -> HTTPResponse {
        try await post("/v1/chat/completions", request.body(stream: false))
    }

    /// Streams `request`; `onEvent` sees the result after every event and may return false to hang
    /// up, as a client that goes away does.
    func stream(_ request: ChatRequest, onEvent: @escaping @Sendable (StreamResult) -> Bool = { _ in true }) async throws -> StreamResult {
        let body = try request.body(stream: true)
        return try await offThePool {
            let connection = try HTTPConnection(port: port)
            connection.send("POST", "/v1/chat/completions", body: body)
            var result = StreamResult()
            let head = try connection.readHead()
            result.status = head.status
            var pending = ""
            var errorBody: [UInt8] = []
            do {
                try connection.readBody(headers: head.headers) { piece in
                    guard head.status == 200 else { return errorBody += piece }
                    pending += String(decoding: piece, as: UTF8.self)
                    while let end = pending.range(of: "\n\n") {
                        let event = String(pending[..<end.lowerBound])
                        pending.removeSubrange(..<end.upperBound)
                        result.apply(event)
                        if !onEvent(result) {
                            connection.hangUp()
                            throw HungUp()
                        }
                    }
                }
            } catch is HungUp {
                return result
            }
            if head.status != 200 {
                let response = HTTPResponse(status: head.status, body: errorBody)
                result.errorBody = response.text
                result.errorCode = response.errorCode
            }
            return result
        }
    }

    private struct HungUp: Error {}

    private func exchange(_ method: String, _ path: String, body: [UInt8]) async throws -> HTTPResponse {
        try await offThePool {
            let connection = try HTTPConnection(port: port)
            connection.send(method, path, body: body)
            let head = try connection.readHead()
            var received: [UInt8] = []
            try connection.readBody(headers: head.headers) { received += $0 }
            return HTTPResponse(status: head.status, body: received)
        }
    }
}

extension StreamResult {
    /// One SSE event: `data: {chunk}`, `data: {"error":…}` or `data: [DONE]`.
    mutating func apply(_ event: String) {
        for line in event.split(separator: "\n") where line.hasPrefix("data: ") {
            let payload = line.dropFirst(6)
            if payload == "[DONE]" {
                sawDone = true
                continue
            }
            guard let object = try? JSONSerialization.jsonObject(with: Data(payload.utf8)) as? [String: Any] else { continue }
            if let error = object["error"] as? [String: Any] {
                errorCode = error["code"] as? String ?? "?"
                contentEventsBeforeError = contentEvents
            }
            let choice = (object["choices"] as? [[String: Any]])?.first
            if let content = (choice?["delta"] as? [String: Any])?["content"] as? String, !content.isEmpty {
                text += content
                contentEvents += 1
            }
            if let reason = choice?["finish_reason"] as? String { finishReason = reason }
        }
    }
}
