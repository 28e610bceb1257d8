/// Columns and rows to draw in.
public struct TerminalSize: Sendable, Equatable {
    public var columns: Int
    /// `Int.max` when there is no bottom (`--once` into a pipe).
    public var rows: Int

    public init(columns: Int, rows: Int) {
        self.columns = columns
        self.rows = rows
    }

    /// The classic terminal, the smallest the layout is made for.
    public static let standard = TerminalSize(columns: 80, rows: 24)
}
