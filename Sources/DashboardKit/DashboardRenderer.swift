/// The whole screen as a pure function of a frame and a terminal size: header, the worker table
/// (or the help), and a footer of keys. Every line fits the width; the lines fit the height.
public enum DashboardRenderer {
    public static func render(_ frame: DashboardFrame, size: TerminalSize, glyphs: Glyphs = .ascii) -> [StyledLine] {
        let width = max(1, size.columns)
        let footer = StyledLine(
            "q quit  s sort (\(frame.sort.label))  h \(frame.showingHelp ? "back" : "help")", .dim)
        var lines = HeaderView.lines(frame, width: width)
        let room = size.rows == Int.max ? Int.max : size.rows - lines.count - 1
        if frame.showingHelp {
            lines += Array(HelpView.lines.prefix(max(0, room)))
        } else {
            lines += WorkerTable(frame: frame, width: width, glyphs: glyphs).lines(fitting: room)
        }
        if size.rows != Int.max {
            // The footer sits on the last row.
            lines = Array(lines.prefix(max(0, size.rows - 1)))
            lines += Array(repeating: StyledLine(), count: max(0, size.rows - 1 - lines.count))
        }
        lines.append(footer)
        return lines.prefix(size.rows).map { $0.clipped(to: width) }
    }
}
