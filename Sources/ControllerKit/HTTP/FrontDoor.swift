import Foundation
import Hummingbird
import Logging
import LoomProtocol
import Metrics
import NIOCore
import Prometheus

/// The OpenAI-compatible HTTP API over a running `SocketRelay`.
///
/// `POST /v1/chat/completions`, `POST /v1/completions` (streamed as SSE with `stream: true`),
/// `GET /v1/models`, `GET /v1/models/{id}`, `GET /v1/workers`, `GET /health` (never behind an API key), `GET /metrics`, and
/// the chat page (`ChatPage`: `/`, `/chat.js`, `/chat.css`, never behind an API key either).
public struct FrontDoor: Sendable {
    public let relay: SocketRelay
    private var configuration: ControllerConfiguration { relay.configuration }

    /// Open connections per client address, when capped.
    private let connections: ConnectionsPerAddress?
    /// Unix seconds when this front door was made: the models' `created`.
    private let started = Int(Date().timeIntervalSince1970)

    public init(relay: SocketRelay) {
        self.relay = relay
        connections = relay.configuration.maxConnectionsPerAddress.map { ConnectionsPerAddress(limit: $0) }
    }

    /// What each new connection's pipeline gets: the cap on connections per client address and
    /// the deadline for reading each request, as configured.
    func connectionHandlers(logger: Logger) -> [any RemovableChannelHandler] {
        var handlers: [any RemovableChannelHandler] = []
        if let connections { handlers.append(connections.handler(logger: logger)) }
        if let timeout = configuration.httpReadTimeout { handlers.append(RequestReadDeadline(timeout: timeout)) }
        return handlers
    }

    /// Every path with its methods, for the router and for 405's `Allow`.
    static let routes: [String: [HTTPRequest.Method]] = [
        "/v1/chat/completions": [.post], "/v1/completions": [.post], "/v1/models": [.get], "/v1/workers": [.get],
        "/health": [.get], "/metrics": [.get],
    ].merging(ChatPage.paths.map { ($0, [.get]) }) { old, _ in old }

    public func router() -> Router<FrontDoorContext> {
        let router = Router(context: FrontDoorContext.self)
        router.add(middleware: RouteFallbackMiddleware(routes: Self.routes))
        if !configuration.apiKeys.isEmpty {
            router.add(middleware: APIKeyMiddleware(keys: Set(configuration.apiKeys), openPaths: Set(["/health"] + ChatPage.paths)))
        }
        router.post("/v1/chat/completions") { request, context in
            await generate(request, on: context.connection, kind: .chat, ChatCompletionBody.self)
        }
        router.post("/v1/completions") { request, context in
            await generate(request, on: context.connection, kind: .text, CompletionBody.self)
        }
        for asset in ChatPage.assets {
            router.get(RouterPath(asset.path)) { _, _ in asset.response }
        }
        router.get("/v1/models") { _, _ in JSONBody.response(ModelList(relay.snapshot.models, created: started)) }
        // Model names may hold slashes (`org/name`): the rest of the path is the id.
        router.get("/v1/models/**") { _, context in
            let id = context.parameters.getCatchAll().joined(separator: "/")
            guard let model = relay.snapshot.models.first(where: { $0.name == id }) else {
                return APIError(.noModel, "the model '\(id)' does not exist: no live worker serves it", param: "model").response
            }
            return JSONBody.response(ModelList.Model(model, created: started))
        }
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

    /// Reads and decodes the body, makes the wire request, and answers it. A request refused here,
    /// before it reaches the relay, is counted in `loom_requests_total` under its error code; one
    /// whose client leaves mid-upload under `cancelled`. A client that leaves while it waits (its
    /// connection closed) cancels the request.
    private func generate<Body: CompletionRequestBody>(
        _ request: Request, on connection: any Channel, kind: CompletionKind, _: Body.Type
    ) async -> Response {
        await HangUpWatch.cancelling(on: connection) { [self] in
            do throws(APIError) {
                let body = try RequestBodyDecoder.decode(Body.self, from: try await read(request))
                let generation = try body.generationRequest(configuration)
                try checkWireLimits(generation)
                let responder = CompletionResponder(relay: relay, kind: kind)
                return await responder.respond(
                    to: generation, choices: body.sampling.n, echo: body.echoText, streaming: body.stream ?? false,
                    usage: UsageReporting(body.streamOptions))
            } catch {
                if let code = error.code {
                    Counter(label: MetricName.requests, dimensions: [("outcome", RequestOutcome(code).label)], factory: relay.metrics.factory)
                        .increment()
                }
                return error.response
            }
        }
    }

    /// The whole body. A client that closed its connection before its end (the watch cancelled
    /// this task) cancelled the request; one too slow to send it met the read timeout.
    private func read(_ request: Request) async throws(APIError) -> [UInt8] {
        let limit = configuration.maxRequestBodyBytes
        let tooLarge = APIError(.badRequest, "the request body is larger than \(limit) bytes", status: .contentTooLarge)
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > limit { throw tooLarge }
        do {
            let body = Array(try await request.body.collect(upTo: limit).readableBytesView)
            if Task.isCancelled { throw CancellationError() }
            return body
        } catch let error as HTTPResponseError where error.status == .contentTooLarge {
            throw tooLarge
        } catch let error as HTTPReadTimeout {
            let seconds = String(format: "%g", error.timeout.seconds)
            throw APIError(.timeout, "the request was not received whole within \(seconds) s", status: .requestTimeout)
        } catch where Task.isCancelled {
            throw APIError(.cancelled, "the client closed its connection before the request body ended")
        } catch {
            throw APIError(.badRequest, "the request body could not be read to its end")
        }
    }

    /// The wire's limits (a text over 1 MiB, a model name over 256 bytes), checked here so the
    /// refusal is a sentence naming the field; `SocketRelay.submit` checks them again.
    private func checkWireLimits(_ generation: GenerationRequest) throws(APIError) {
        do {
            _ = try ClientMessage.decode(ClientMessage.request(generation).encode(), limits: configuration.limits)
        } catch {
            let sentence = error.sentence
            throw APIError(.badRequest, sentence.message, param: sentence.field)
        }
    }
}

/// Hummingbird's request context plus the connection the request came on, so that a handler can
/// notice its client leave.
public struct FrontDoorContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The client's connection.
    let connection: any Channel

    public init(source: ApplicationRequestContextSource) {
        coreContext = CoreRequestContextStorage(source: source)
        connection = source.channel
    }
}
