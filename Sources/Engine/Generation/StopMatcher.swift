/// Finds stop strings in streamed text. Text that might be the start of a stop string is held back
/// until the next delta settles it, so a stop string never reaches the client, even split across
/// tokens. Matching is by Unicode scalars, not Characters: the detokenizer releases an emoji of
/// several scalars (a ZWJ sequence, a flag, a skin tone) one scalar at a time, and the first scalars
/// of a stop's last Character must be held back like any other prefix.
public struct StopMatcher: Sendable {
    public let stops: [String]
    private let stopScalars: [[Unicode.Scalar]]
    private var held: [Unicode.Scalar] = []

    public init(_ stops: [String]) {
        self.stops = stops.filter { !$0.isEmpty }
        stopScalars = self.stops.map { Array($0.unicodeScalars) }
    }

    public enum Outcome: Equatable, Sendable {
        /// Text safe to emit now.
        case text(String)
        /// A stop string matched: emit this text (before the stop string) and end.
        case stopped(String)
    }

    public mutating func feed(_ delta: String) -> Outcome {
        guard !stops.isEmpty else { return .text(delta) }
        held.append(contentsOf: delta.unicodeScalars)
        if let start = stopScalars.compactMap({ firstOccurrence(of: $0) }).min() {
            let before = Self.string(held[..<start])
            held.removeAll()
            return .stopped(before)
        }
        // Hold back the longest tail that is a proper prefix of some stop string.
        var keep = 0
        for stop in stopScalars {
            for n in stride(from: min(stop.count - 1, held.count), to: keep, by: -1) where held.suffix(n).elementsEqual(stop.prefix(n)) {
                keep = n
                break
            }
        }
        let out = Self.string(held[..<(held.count - keep)])
        held.removeFirst(held.count - keep)
        return .text(out)
    }

    /// What is still held back, at the end of generation.
    public mutating func flush() -> String {
        defer { held.removeAll() }
        return Self.string(held[...])
    }

    private func firstOccurrence(of stop: [Unicode.Scalar]) -> Int? {
        guard stop.count <= held.count else { return nil }
        return (0...(held.count - stop.count)).first { held[$0..<($0 + stop.count)].elementsEqual(stop) }
    }

    private static func string(_ scalars: ArraySlice<Unicode.Scalar>) -> String {
        var text = String.UnicodeScalarView()
        text.append(contentsOf: scalars)
        return String(text)
    }
}
