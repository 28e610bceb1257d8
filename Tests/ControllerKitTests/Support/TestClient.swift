import LoomProtocol
import ZeroMQ

/// A LOOMC1 client on its own socket thread: a DEALER whose replies land in `inbox`.
final class TestClient: Sendable {
    let inbox: AsyncInbox<ClientMessage>
    private let thread: SocketThread

    /// A client of the controller at `endpoint`; with `curve`, a CURVE client of a controller whose
    /// public key is `serverKey`.
    init(endpoint: String, curve: (serverKey: String, keys: CurveKeyPair)? = nil) throws {
        let inbox = AsyncInbox<ClientMessage>()
        self.inbox = inbox
        thread = try SocketThread.start(name: "test-client", tickInterval: .seconds(1)) { context in
            try Handler(context: context, endpoint: endpoint, curve: curve, inbox: inbox)
        }
    }

    func send(_ message: ClientMessage) {
        _ = thread.outbox.send(message.encode(), on: 0)
    }

    func close() {
        thread.stop()
    }

    /// Sends a text request for `model` asking `tokens` tokens.
    func request(_ id: String, model: String = testModel.name, tokens: Int = 5, deadlineUnixMs: Int = 0) {
        send(.request(GenerationRequest(
            id: id, model: model, deadlineUnixMs: deadlineUnixMs, prompt: .text("hello"),
            sampling: SamplingParameters(maxTokens: tokens))))
    }

    /// Waits for the end (FINAL or ERROR) of request `id`, collecting its PARTIALs' text.
    func outcome(of id: String, within timeout: Duration = patience) async -> (text: String, end: ClientMessage?) {
        var text = ""
        while let message = await inbox.next(within: timeout, where: { $0.requestId == id }) {
            switch message {
            case .partial(let partial): text += partial.text
            default: return (text, message)
            }
        }
        return (text, nil)
    }

    private final class Handler: SocketThreadHandler {
        let sockets: [Socket]
        private let inbox: AsyncInbox<ClientMessage>

        init(
            context: Context, endpoint: String, curve: (serverKey: String, keys: CurveKeyPair)?,
            inbox: AsyncInbox<ClientMessage>
        ) throws {
            let dealer = try Socket(context, type: .dealer)
            if let curve {
                try dealer.set(.curveServerKey(curve.serverKey))
                try dealer.set(.curvePublicKey(curve.keys.publicKey))
                try dealer.set(.curveSecretKey(curve.keys.secretKey))
            }
            try dealer.connect(endpoint)
            sockets = [dealer]
            self.inbox = inbox
        }

        func handle(_ frames: [[UInt8]], from socket: Int) throws {
            if let message = try? ClientMessage.decode(frames) { inbox.put(message) }
        }

        func tick() throws {}

        func dropped(_ message: OutgoingMessage, error: ZMQError) {}
    }
}

extension ClientMessage {
    /// The request id of a reply; `nil` for a STATUS_REPLY.
    var requestId: String? {
        switch self {
        case .partial(let partial): partial.requestId
        case .final(let final): final.requestId
        case .error(let error): error.requestId
        case .request(let request): request.id
        case .cancel(let id): id
        case .status, .statusReply: nil
        }
    }

    var errorCode: ErrorCode? {
        if case .error(let error) = self { error.code } else { nil }
    }

    var finishReason: FinishReason? {
        if case .final(let final) = self { final.finishReason } else { nil }
    }
}
