/// Finds stop strings in streamed text. Text that might be the start of a stop string is held back
/// until the next delta settles it, so a stop string never reaches the client, even split across
/// tokens.
public struct StopMatcher: Sendable {
    public let stops: [String]
    private var held = ""

    public init(_ stops: [String]) { self.stops = stops.filter { !$0.isEmpty } }

    public enum Outcome: Equatable, Sendable {
        /// Text safe to emit now.
        case text(String)
        /// A stop string matched: emit this text (before the stop string) and end.
        case stopped(String)
    }

    public mutating func feed(_ delta: String) -> Outcome {
        guard !stops.isEmpty else { return .text(delta) }
        held += delta
        if let match = stops.compactMap({ held.range(of: $0) }).min(by: { $0.lowerBound < $1.lowerBound }) {
            let before = String(held[..<match.lowerBound])
            held = ""
            return .stopped(before)
        }
        // Hold back the longest tail that is a proper prefix of some stop string.
        var keep = 0
        for stop in stops {
            for n in stride(from: min(stop.count - 1, held.count), to: keep, by: -1) where held.hasSuffix(stop.prefix(n)) {
                keep = n
                break
            }
        }
        let cut = held.index(held.endIndex, offsetBy: -keep)
        let out = String(held[..<cut])
        held = String(held[cut...])
        return .text(out)
    }

    /// What is still held back, at the end of generation.
    public mutating func flush() -> String {
        defer { held = "" }
        return held
    }
}
