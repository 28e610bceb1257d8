/// How a piece of text is shown when the terminal takes colour.
public enum TextStyle: Sendable, Equatable {
    case plain
    case bold
    case dim
    /// Column titles: reverse video.
    case title
    case good
    case warning
    case bad
    /// A whole row that needs attention (a stale worker): dark on yellow.
    case highlight

    var ansi: String {
        switch self {
        case .plain: ""
        case .bold: "\u{1B}[1m"
        case .dim: "\u{1B}[2m"
        case .title: "\u{1B}[7m"
        case .good: "\u{1B}[32m"
        case .warning: "\u{1B}[33m"
        case .bad: "\u{1B}[31m"
        case .highlight: "\u{1B}[30;43m"
        }
    }
}

/// A run of text in one style.
public struct Span: Sendable, Equatable {
    public var text: String
    public var style: TextStyle

    public init(_ text: String, _ style: TextStyle = .plain) {
        self.text = text
        self.style = style
    }
}

/// One screen line: styled runs, at most the terminal's width in characters.
public struct StyledLine: Sendable, Equatable {
    public var spans: [Span]

    public init(_ spans: [Span] = []) {
        self.spans = spans
    }

    public init(_ text: String, _ style: TextStyle = .plain) {
        self.init([Span(text, style)])
    }

    /// The text without styling.
    public var plain: String { spans.map(\.text).joined() }

    /// Characters on screen (every glyph used here is one column wide).
    public var width: Int { spans.reduce(0) { $0 + $1.text.count } }

    /// With ANSI escapes when `colour`, else the plain text.
    public func rendered(colour: Bool) -> String {
        guard colour else { return plain }
        return spans.map { $0.style == .plain ? $0.text : $0.style.ansi + $0.text + "\u{1B}[0m" }.joined()
    }

    /// Cut to `width` characters.
    public func clipped(to width: Int) -> StyledLine {
        var left = max(0, width)
        var kept: [Span] = []
        for span in spans where left > 0 {
            let text = String(span.text.prefix(left))
            left -= text.count
            kept.append(Span(text, span.style))
        }
        return StyledLine(kept)
    }

    /// The same text, every run in `style` (a highlighted row), padded to `width`.
    func restyled(_ style: TextStyle, paddedTo width: Int) -> StyledLine {
        let text = plain
        return StyledLine(text + String(repeating: " ", count: max(0, width - text.count)), style)
    }
}
