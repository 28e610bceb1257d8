/// Why a grammar was refused: where in the text (when the fault has a place) and what is wrong.
public struct GrammarError: Error, CustomStringConvertible, Equatable, Sendable {
    /// 1-based line and column (in Unicode scalars) of the fault, when it has a place in the text.
    public let line: Int?
    public let column: Int?
    public let message: String

    init(_ message: String, line: Int? = nil, column: Int? = nil) {
        self.message = message
        self.line = line
        self.column = column
    }

    public var description: String {
        guard let line, let column else { return message }
        return "line \(line), column \(column): \(message)"
    }
}
