/// The characters bars and sparklines are drawn with: block elements on a UTF-8 terminal, ASCII
/// elsewhere.
public struct Glyphs: Sendable, Equatable {
    /// Sparkline levels, lowest first.
    public var levels: [Character]
    public var barFull: Character
    public var barEmpty: Character
    /// Marks text cut short.
    public var ellipsis: Character

    public static let unicode = Glyphs(levels: Array("▁▂▃▄▅▆▇█"), barFull: "█", barEmpty: "░", ellipsis: "…")
    public static let ascii = Glyphs(levels: Array("_.,-=+*#"), barFull: "#", barEmpty: ".", ellipsis: "~")

    /// Unicode when the locale (`LC_ALL`, then `LC_CTYPE`, then `LANG`) says UTF-8.
    public static func forEnvironment(_ environment: [String: String]) -> Glyphs {
        let locale = ["LC_ALL", "LC_CTYPE", "LANG"].lazy.compactMap { environment[$0] }.first { !$0.isEmpty } ?? ""
        let utf8 = locale.lowercased().replacingOccurrences(of: "-", with: "").contains("utf8")
        return utf8 ? .unicode : .ascii
    }
}
