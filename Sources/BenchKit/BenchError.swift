/// Why loom-bench cannot start: one line that says what to change.
public struct BenchError: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
