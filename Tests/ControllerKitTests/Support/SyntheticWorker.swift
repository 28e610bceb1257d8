import Dispatch
import LoomProtocol
import Synchronization
import ZeroMQ

/// A worker without a model that speaks LOOMW1 as loom-worker does: a DEALER whose routing id is
/// its worker id; READY, a HEARTBEAT with its load every interval, and for each REQUEST
/// `max_tokens` PARTIALs (one token each) then FINAL length. It runs `maxRunning` requests at
/// once; the others wait their turn, as in a real worker's queue. It can be made mute or silent,
/// or killed, and it records what the controller sent it.
final class SyntheticWorker: Sendable {
    struct Settings: Sendable {
        var id: String
        var models = [testModel]
        var maxRunning = 8
        var heartbeat: Duration = .milliseconds(100)
        /// Between tokens of a request; zero streams them all at once, as fast as the socket takes them.
        var tokenInterval: Duration = .milliseconds(5)
        var recentImages: [UInt64] = []
        var instance = UInt64.random(in: 1 ... .max)
        /// Text of token `index`; the benchmark puts a timestamp here.
        var text: @Sendable (Int) -> String = { "t\($0) " }
    }

    enum Event: Sendable, Equatable {
        case request(GenerationRequest)
        case cancel(String)
        case disconnect(Disconnect)
    }

    /// What the worker does; tests change it while it runs.
    struct Behaviour: Sendable {
        /// Sends nothing at all (a hung process): no heartbeats, no tokens.
        var silent = false
        /// Takes requests but never answers them (heartbeats go on).
        var answers = true
        /// What its heartbeats say of its prefix cache.
        var prefixCache = PrefixCacheCounters()
        /// What its heartbeats say of its image encoder.
        var vision = VisionCounters()
    }

    let settings: Settings
    let events: AsyncInbox<Event>
    private let behaviour: Locked<Behaviour>
    private let thread: SocketThread

    init(_ settings: Settings, endpoint: String) throws {
        self.settings = settings
        let behaviour = Locked(Behaviour())
        let events = AsyncInbox<Event>()
        self.behaviour = behaviour
        self.events = events
        let tick = max(.milliseconds(1), min(settings.tokenInterval, settings.heartbeat) / 2)
        thread = try SocketThread.start(name: "synthetic-\(settings.id)", tickInterval: tick) { context in
            try Handler(context: context, endpoint: endpoint, settings: settings, events: events, behaviour: behaviour)
        }
    }

    /// Closes its socket at once, as a crashed process's connection would.
    func kill() {
        thread.stop()
    }

    func set(_ change: @Sendable (inout Behaviour) -> Void) {
        behaviour.update(change)
    }

    /// The requests it received so far (taken out of `events` with the rest).
    func requestsReceived() -> [GenerationRequest] {
        events.drain().compactMap { if case .request(let request) = $0 { request } else { nil } }
    }

    private final class Handler: SocketThreadHandler {
        struct Active {
            let id: String
            let tokens: Int
            /// The request's `logprobs`: each PARTIAL then carries made-up ones (`syntheticLogprob`).
            var logprobs: Int? = nil
            var sent = 0
            /// When its next token is due; `nil` while it waits for a running slot.
            var due: ContinuousClock.Instant?
        }

        let sockets: [Socket]
        private let settings: Settings
        private let events: AsyncInbox<Event>
        private let behaviour: Locked<Behaviour>
        private var active: [Active] = []
        private var lastHeartbeat = ContinuousClock.now

        init(context: Context, endpoint: String, settings: Settings, events: AsyncInbox<Event>, behaviour: Locked<Behaviour>) throws {
            let dealer = try Socket(context, type: .dealer)
            try dealer.set(.routingID(Array(settings.id.utf8)))
            try dealer.set(.sendHighWaterMark(0))
            try dealer.connect(endpoint)
            sockets = [dealer]
            self.settings = settings
            self.events = events
            self.behaviour = behaviour
            sendReady()
        }

        func handle(_ frames: [[UInt8]], from socket: Int) throws {
            let now = behaviour.value
            guard !now.silent, let message = try? WorkerMessage.decode(frames) else { return }
            switch message {
            case .request(let request):
                events.put(.request(request))
                guard now.answers else { return }
                if request.sampling.promptLogprobs, case .text(let text) = request.prompt {
                    // One entry per word of the prompt, in two PARTIALs as two chunks would make them.
                    let words = text.split(separator: " ", omittingEmptySubsequences: false).enumerated().map { i, word in
                        TokenLogprob(
                            bytes: Array(((i == 0 ? "" : " ") + word).utf8), logprob: i == 0 ? 0 : -Float(i),
                            top: i == 0 ? [] : [.init(bytes: Array("alt".utf8), logprob: -0.25)])
                    }
                    let half = (words.count + 1) / 2
                    for part in [words.prefix(half), words.dropFirst(half)] where !part.isEmpty {
                        send(.partial(Partial(requestId: request.id, completionTokens: 0, tokens: [], text: "", promptLogprobs: Array(part))))
                    }
                }
                active.append(Active(id: request.id, tokens: request.sampling.maxTokens, logprobs: request.sampling.logprobs))
                if settings.tokenInterval == .zero { stream(upTo: .now) }
            case .cancel(let id):
                events.put(.cancel(id))
                if let index = active.firstIndex(where: { $0.id == id }) {
                    finish(active.remove(at: index), reason: .cancelled)
                }
            case .disconnect(let disconnect):
                events.put(.disconnect(disconnect))
                active.removeAll()
                if disconnect.reason == .notRegistered { sendReady() }
            case .heartbeat, .ready, .partial, .final, .error:
                break
            }
        }

        func tick() throws {
            guard !behaviour.value.silent else { return }
            let now = ContinuousClock.now
            if lastHeartbeat.duration(to: now) >= settings.heartbeat {
                lastHeartbeat = now
                let load = WorkerLoad(
                    waiting: max(0, active.count - settings.maxRunning), running: min(active.count, settings.maxRunning),
                    kvBlocksUsed: active.count, kvBlocksTotal: 64, tokensPerSecond: 0, recentImages: settings.recentImages,
                    prefixCache: behaviour.value.prefixCache, vision: behaviour.value.vision)
                send(.heartbeat(load))
            }
            stream(upTo: now)
        }

        func dropped(_ message: OutgoingMessage, error: ZMQError) {}

        /// Sends every token due by `now` for the running requests; a request whose last token
        /// went ends with FINAL length, and the next waiting one starts.
        private func stream(upTo now: ContinuousClock.Instant) {
            var index = 0
            while index < min(active.count, settings.maxRunning) {
                let due = active[index].due ?? now + settings.tokenInterval
                active[index].due = due
                var next = due
                while active[index].sent < active[index].tokens && next <= now {
                    let token = active[index].sent
                    send(.partial(Partial(
                        requestId: active[index].id, completionTokens: token + 1, tokens: [Int32(token)],
                        text: settings.text(token),
                        logprobs: active[index].logprobs.map { [syntheticLogprob(token, text: settings.text(token), top: $0)] } ?? [])))
                    active[index].sent += 1
                    next = next + settings.tokenInterval
                }
                active[index].due = next
                if active[index].sent == active[index].tokens {
                    finish(active.remove(at: index), reason: .length)
                } else {
                    index += 1
                }
            }
        }

        private func finish(_ request: Active, reason: FinishReason) {
            send(.final(Final(
                requestId: request.id, finishReason: reason,
                usage: Usage(promptTokens: 5, imageTokens: 0, completionTokens: request.sent, cachedTokens: 3),
                timings: Timings(queueMs: 0, timeToFirstTokenMs: 1, decodeTokensPerSecond: 100, totalMs: 2))))
        }

        private func sendReady() {
            send(.ready(Registration(
                workerId: settings.id, instance: settings.instance, version: "synthetic", host: "127.0.0.1",
                models: settings.models,
                capacity: WorkerCapacity(maxRunningSequences: settings.maxRunning, kvBlocks: 64, kvBlockTokens: 16))))
        }

        private func send(_ message: WorkerMessage) {
            _ = try? sockets[0].send(message.encode(), blocking: false)
        }
    }
}

/// Token `token`'s made-up log-probability: its text's bytes at -0.5 - token / 8, and `top` others:
/// `alt0`, `alt1`… at -1, -2…
func syntheticLogprob(_ token: Int, text: String, top: Int) -> TokenLogprob {
    TokenLogprob(
        bytes: Array(text.utf8), logprob: -0.5 - Float(token) / 8,
        top: (0..<top).map { .init(bytes: Array("alt\($0)".utf8), logprob: -Float($0 + 1)) })
}
