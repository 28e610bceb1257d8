/// Names a sequence inside one worker's scheduler. The executor maps wire request ids onto these.
public struct RequestID: Hashable, Sendable, ExpressibleByIntegerLiteral, CustomStringConvertible {
    public let rawValue: UInt64

    public init(_ rawValue: UInt64) {
        self.rawValue = rawValue
    }

    public init(integerLiteral value: UInt64) {
        rawValue = value
    }

    public var description: String { "#\(rawValue)" }
}
