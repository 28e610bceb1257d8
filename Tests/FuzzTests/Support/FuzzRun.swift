import Foundation
import TestSupport

/// One fuzz target's run: a base seed and a number of iterations, each iteration with its own
/// generator derived from both, so that any one iteration can be replayed alone.
///
/// The environment scales it: `LOOM_FUZZ_ITERATIONS=N` runs N iterations (for a longer local run),
/// `LOOM_FUZZ_SEED=S` starts from another seed, and `LOOM_FUZZ_ITERATION=I` runs iteration I only, as
/// a failure's message tells.
struct FuzzRun {
    let name: String
    let seed: UInt64
    let iterations: Range<Int>

    init(_ name: String, seed: UInt64, iterations: Int) {
        let environment = ProcessInfo.processInfo.environment
        self.name = name
        self.seed = environment["LOOM_FUZZ_SEED"].flatMap(Self.parse) ?? seed
        if let only = environment["LOOM_FUZZ_ITERATION"].flatMap({ Int($0) }) {
            self.iterations = only..<(only + 1)
        } else {
            self.iterations = 0..<(environment["LOOM_FUZZ_ITERATIONS"].flatMap { Int($0) } ?? iterations)
        }
    }

    /// Calls `body` once per iteration with that iteration's generator and a sentence that replays it.
    /// Before each call, the sentence is left where a crash handler prints it (`CrashNote`).
    /// Returns the seconds taken.
    @discardableResult
    func run(_ body: (_ rng: inout SplitMix64, _ replay: String) throws -> Void) rethrows -> Double {
        CrashNote.install()
        let start = ContinuousClock.now
        for iteration in iterations {
            let replay = "\(name): seed \(seed) iteration \(iteration) (LOOM_FUZZ_SEED=\(seed) LOOM_FUZZ_ITERATION=\(iteration) replays it)"
            CrashNote.set(replay)
            // Hashed, not `seed + iteration`: SplitMix64's state moves by a constant step, so
            // neighbouring seeds would give overlapping streams.
            var mixer = SplitMix64(seed: seed ^ UInt64(iteration) << 20)
            var rng = SplitMix64(seed: mixer.next())
            try body(&rng, replay)
        }
        CrashNote.set("")
        let elapsed = start.duration(to: .now)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print("fuzz \(name): \(iterations.count) iterations from seed \(seed) in \(String(format: "%.2f", seconds)) s")
        return seconds
    }

    private static func parse(_ text: String) -> UInt64? {
        text.hasPrefix("0x") ? UInt64(text.dropFirst(2), radix: 16) : UInt64(text)
    }
}

extension SplitMix64 {
    /// A value in `0..<bound` (0 when `bound` is not positive).
    mutating func below(_ bound: Int) -> Int {
        bound > 0 ? Int(next() % UInt64(bound)) : 0
    }

    /// True once in `n` draws.
    mutating func oneIn(_ n: Int) -> Bool { below(n) == 0 }

    mutating func element<T>(_ items: [T]) -> T { items[below(items.count)] }
}
