/// Times the mask cache's construction and `fillMask` over a generation that walks the grammar: each
/// step fills the mask, then accepts a random allowed token (seeded); when an end token is picked, or
/// nothing is allowed, the walk starts again.
///
/// A uniform pick almost never leaves a JSON string (nearly every token is allowed there), so with
/// `structureBias` probability the pick is among the allowed tokens holding JSON punctuation
/// (`"{}[],:`) instead: the walk then closes strings and builds objects, like real output does.
public struct GrammarBenchmark: Sendable {
    public struct Report: Sendable {
        public let compileSeconds: Double
        /// Terminal positions in the mask cache, the distinct masks they use, and the bytes those hold.
        public let cachedPositions: Int
        public let distinctMasks: Int
        public let cacheBytes: Int
        public let steps: Int
        /// `fillMask` per call.
        public let meanMicroseconds: Double
        public let p50Microseconds: Double
        public let p99Microseconds: Double
        public let maxMicroseconds: Double
        /// `accept` per call.
        public let acceptMeanMicroseconds: Double
        /// Mean fraction of the vocabulary allowed per step.
        public let meanDensity: Double
        /// Sentences completed (or walks restarted).
        public let restarts: Int
    }

    public let grammar: Grammar
    public let vocabulary: TokenVocabulary
    public var steps = 2000
    public var seed: UInt64 = 42
    public var structureBias = 0.25

    public init(grammar: Grammar, vocabulary: TokenVocabulary) {
        self.grammar = grammar
        self.vocabulary = vocabulary
    }

    public func run() -> Report {
        let clock = ContinuousClock()
        let start = clock.now
        let compiled = CompiledGrammar(grammar, vocabulary: vocabulary)
        let compileSeconds = seconds(clock.now - start)

        var rng = SplitMix64(state: seed)
        var matcher = GrammarMatcher(compiled)
        var mask = [UInt32](repeating: 0, count: vocabulary.maskWords)
        var fillTimes: [Double] = []
        var acceptTotal = 0.0
        var allowedTotal = 0
        var restarts = 0
        var allowed: [Int32] = []
        let punctuation = Set("\"{}[],:".utf8)
        for _ in 0..<steps {
            let before = clock.now
            mask.withUnsafeMutableBufferPointer { matcher.fillMask($0) }
            fillTimes.append(seconds(clock.now - before) * 1e6)
            allowed.removeAll(keepingCapacity: true)
            for (w, word) in mask.enumerated() where word != 0 {
                for bit in 0..<32 where word & (1 << UInt32(bit)) != 0 { allowed.append(Int32(w * 32 + bit)) }
            }
            allowedTotal += allowed.count
            if Double.random(in: 0..<1, using: &rng) < structureBias {
                let structural = allowed.filter { t in vocabulary.bytes(of: t).contains { punctuation.contains($0) } }
                if !structural.isEmpty { allowed = structural }
            }
            guard let token = allowed.randomElement(using: &rng), !vocabulary.isEnd(token) else {
                matcher = GrammarMatcher(compiled)
                restarts += 1
                continue
            }
            let acceptStart = clock.now
            let accepted = matcher.accept(token)
            acceptTotal += seconds(clock.now - acceptStart) * 1e6
            precondition(accepted, "token \(token) was in the mask but not accepted")
        }
        fillTimes.sort()
        let percentile = { (p: Double) in fillTimes[min(fillTimes.count - 1, Int(p * Double(fillTimes.count)))] }
        return Report(
            compileSeconds: compileSeconds, cachedPositions: compiled.maskIndex.count { $0 >= 0 },
            distinctMasks: compiled.masks.count, cacheBytes: compiled.masks.reduce(0) { $0 + $1.storageBytes }, steps: steps,
            meanMicroseconds: fillTimes.reduce(0, +) / Double(max(steps, 1)),
            p50Microseconds: percentile(0.5), p99Microseconds: percentile(0.99), maxMicroseconds: fillTimes.last ?? 0,
            acceptMeanMicroseconds: acceptTotal / Double(max(steps - restarts, 1)),
            meanDensity: Double(allowedTotal) / Double(max(steps, 1) * vocabulary.count), restarts: restarts)
    }

    private func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }
}

/// A seeded generator, so that runs walk the same tokens.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
