import Foundation
import Grammar
import LoomProtocol

/// Drives one worker through its socket with N streams starting `stagger` apart, and measures what a
/// client sees: aggregate and per-stream tokens/s and time to first token.
public struct ServeBenchmark {
    public struct Figure: Codable, Sendable {
        public let streams: Int
        public let aggregateTokensPerSecond: Double
        public let perStreamTokensPerSecond: Double
        public let meanTimeToFirstTokenMs: Double
        public let maxTimeToFirstTokenMs: Double

        enum CodingKeys: String, CodingKey {
            case streams
            case aggregateTokensPerSecond = "aggregate_tokens_per_s"
            case perStreamTokensPerSecond = "per_stream_tokens_per_s"
            case meanTimeToFirstTokenMs = "mean_ttft_ms"
            case maxTimeToFirstTokenMs = "max_ttft_ms"
        }
    }

    public var model: String
    public var streams = [1, 4, 8, 16]
    public var maxTokens = 128
    public var stagger: Duration = .milliseconds(100)
    /// GBNF every stream's answer must follow; nil: free text.
    public var grammar: String?

    public init(model: String) { self.model = model }

    public func run(_ driver: WorkerDriver, progress: (String) -> Void = { _ in }) throws -> [Figure] {
        var figures: [Figure] = []
        var round = 0
        for n in streams {
            progress("\(n) streams")
            round += 1
            var sent: [String: ContinuousClock.Instant] = [:]
            var first: [String: ContinuousClock.Instant] = [:]
            var last: [String: ContinuousClock.Instant] = [:]
            var tokens: [String: Int] = [:]
            var done = 0
            let start = ContinuousClock.now
            var next = 0
            let finished = try driver.pump(for: .seconds(600)) { message, now in
                // Start the next stream when its time has come.
                while next < n && now - start >= stagger * next {
                    let id = "bench-\(round)-\(next)"
                    try driver.send(.request(request(id: id, index: next)))
                    sent[id] = ContinuousClock.now
                    next += 1
                }
                switch message {
                case .partial(let p):
                    if first[p.requestId] == nil { first[p.requestId] = now }
                    last[p.requestId] = now
                    tokens[p.requestId, default: 0] += p.tokens.count
                case .final, .error:
                    done += 1
                default: break
                }
                return done == n
            }
            guard finished else { throw BenchmarkError.timedOut(streams: n) }
            let perStream = tokens.keys.compactMap { id -> Double? in
                guard let f = first[id], let l = last[id], let t = tokens[id], t > 1 else { return nil }
                return Double(t - 1) / (l - f).seconds
            }
            let ttft = sent.keys.compactMap { id in first[id].map { ($0 - sent[id]!).seconds * 1000 } }
            let span = ((last.values.max() ?? start) - start).seconds
            figures.append(Figure(
                streams: n,
                aggregateTokensPerSecond: Double(tokens.values.reduce(0, +)) / max(span, 1e-9),
                perStreamTokensPerSecond: perStream.reduce(0, +) / Double(max(perStream.count, 1)),
                meanTimeToFirstTokenMs: ttft.reduce(0, +) / Double(max(ttft.count, 1)),
                maxTimeToFirstTokenMs: ttft.max() ?? 0))
        }
        return figures
    }

    private func request(id: String, index: Int) -> GenerationRequest {
        var sampling = SamplingParameters()
        sampling.temperature = 0
        sampling.maxTokens = maxTokens
        sampling.ignoreEOS = true
        sampling.grammar = grammar
        return GenerationRequest(id: id, model: model, prompt: .chat([ChatMessage(role: .user, parts: [
            .text("Tell me a long story about a traveller, number \(index), and the places they saw."),
        ])]), sampling: sampling)
    }

    /// A JSON array of any JSON values that never closes: a constrained stream as long as a free
    /// one (`maxTokens`), through every part of the JSON grammar.
    public static var endlessJSONGrammar: String {
        // Any value: the schema without constraints.
        let value = try! JSONSchemaGrammar.rules(schema: "{}", prefix: "value-")
        return "root ::= \"[\" \(value.root) (\",\" \" \"? \(value.root))*\n" + value.gbnf
    }

    public enum BenchmarkError: Error, CustomStringConvertible {
        case timedOut(streams: Int)
        public var description: String {
            switch self {
            case .timedOut(let n): "the worker did not finish \(n) streams within 10 minutes"
            }
        }
    }
}
