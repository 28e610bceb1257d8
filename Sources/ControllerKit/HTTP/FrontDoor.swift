import Foundation
import Hummingbird
import LoomProtocol
import Prometheus

/// The OpenAI-compatible HTTP API over a running `SocketRelay`.
///
/// `POST /v1/chat/completions`, `POST /v1/completions` (streamed as SSE with `stream: true`),
/// `GET /v1/models`, `GET /v1/workers`, `GET /health` (never behind an API key), `GET /metrics`.
public struct FrontDoor: Sendable {
    public let relay: SocketRelay
    private var configuration: ControllerConfiguration { relay.configuration }

    public init(relay: SocketRelay) {
        self.relay = relay
    }

    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        if !configuration.apiKeys.isEmpty {
            router.add(middleware: APIKeyMiddleware(keys: configuration.apiKeys, openPaths: ["/health"]))
        }
        router.post("/v1/chat/completions") { request, _ in
            await generate(request, kind: .chat, ChatCompletionBody.self)
        }
        router.post("/v1/completions") { request, _ in
            await generate(request, kind: .text, CompletionBody.self)
        }
        router.get("/v1/models") { _, _ in JSONBody.response(ModelList(relay.snapshot.models)) }
        router.get("/v1/workers") { _, _ in JSONBody.response(WorkerListDocument(relay.snapshot.status.workers)) }
        router.get("/health") { _, _ in
            let live = relay.snapshot.liveWorkers.count
            return JSONBody.response(
                HealthDocument(status: live > 0 ? "ok" : "no_live_worker", liveWorkers: live),
                status: live > 0 ? .ok : .serviceUnavailable)
        }
        router.get("/metrics") { _, _ in
            var text: [UInt8] = []
            relay.metrics.registry.emit(into: &text)
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: text)))
        }
        return router
    }

    /// Reads and decodes the body, makes the wire request, and answers it.
    private func generate<Body: CompletionRequestBody>(_ request: Request, kind: CompletionKind, _: Body.Type) async -> Response {
        do throws(APIError) {
            let body: Body = try await decode(request)
            let generation = try body.generationRequest(configuration)
            return await CompletionResponder(relay: relay, kind: kind)
                .respond(to: generation, streaming: body.stream ?? false, usage: UsageReporting(body.streamOptions))
        } catch {
            return error.response
        }
    }

    private func decode<Body: Decodable>(_ request: Request) async throws(APIError) -> Body {
        let limit = configuration.maxRequestBodyBytes
        let tooLarge = APIError(.badRequest, "the request body is larger than \(limit) bytes", status: .contentTooLarge)
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > limit { throw tooLarge }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: limit)
        } catch let error as HTTPResponseError where error.status == .contentTooLarge {
            throw tooLarge
        } catch {
            throw APIError(.badRequest, "the request body could not be read: \(error)")
        }
        do {
            return try JSONDecoder().decode(Body.self, from: Data(buffer.readableBytesView))
        } catch let error as DecodingError {
            throw APIError(.badRequest, error.readable)
        } catch {
            throw APIError(.badRequest, "the body is not valid JSON: \(error)")
        }
    }
}

extension DecodingError {
    /// What was wrong and where, in the request's own field names.
    var readable: String {
        func path(_ context: Context, _ key: (any CodingKey)? = nil) -> String {
            let keys = context.codingPath + (key.map { [$0] } ?? [])
            return keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().drop { $0 == "." }.description
        }
        switch self {
        case .keyNotFound(let key, let context):
            return "missing field '\(path(context, key))'"
        case .typeMismatch(let type, let context):
            return "field '\(path(context))' should be \(type): \(context.debugDescription)"
        case .valueNotFound(_, let context):
            return "field '\(path(context))' is null"
        case .dataCorrupted(let context) where context.codingPath.isEmpty:
            return "the body is not valid JSON: \(context.debugDescription)"
        case .dataCorrupted(let context):
            return "field '\(path(context))': \(context.debugDescription)"
        @unknown default:
            return "the body could not be decoded: \(self)"
        }
    }
}
