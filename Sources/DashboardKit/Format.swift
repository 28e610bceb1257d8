/// Numbers as the dashboard writes them: short, and of steady width.
enum Format {
    /// `850ms`, `3.2s`, `42s`, `4m05s`, `1h02m`, `3d04h`.
    static func duration(milliseconds: Int) -> String {
        let ms = max(0, milliseconds)
        if ms < 1000 { return "\(ms)ms" }
        if ms < 10_000 { return "\(ms / 1000).\(ms % 1000 / 100)s" }
        let seconds = ms / 1000
        if seconds < 60 { return "\(seconds)s" }
        if seconds < 3600 { return "\(seconds / 60)m" + twoDigits(seconds % 60) + "s" }
        if seconds < 86_400 { return "\(seconds / 3600)h" + twoDigits(seconds / 60 % 60) + "m" }
        return "\(seconds / 86_400)d" + twoDigits(seconds / 3600 % 24) + "h"
    }

    /// `0.0`, `12.3`, `456`, `12.3k`, `4.5M`.
    static func rate(_ value: Double) -> String {
        guard value.isFinite, value > 0 else { return "0.0" }
        if value < 100 { return oneDecimal(value) }
        if value < 10_000 { return String(Int(value.rounded())) }
        if value < 10_000_000 { return oneDecimal(value / 1000) + "k" }
        return oneDecimal(value / 1_000_000) + "M"
    }

    /// A share as a whole percentage: `0%`, `87%`, `100%`.
    static func percent(_ share: Double) -> String {
        "\(Int((min(1, max(0, share)) * 100).rounded()))%"
    }

    static func oneDecimal(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }

    private static func twoDigits(_ value: Int) -> String {
        value < 10 ? "0\(value)" : "\(value)"
    }

    /// Text from the network made safe to print: control characters (which could move the cursor
    /// or change colours) become `?`.
    static func printable(_ text: String) -> String {
        String(text.unicodeScalars.map { scalar in
            scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) ? "?" : Character(scalar)
        })
    }

    /// `text` fitted to `width`: cut with `ellipsis`, then padded on the right (or left).
    static func fit(_ text: String, _ width: Int, rightAligned: Bool = false, ellipsis: Character) -> String {
        guard width > 0 else { return "" }
        if text.count > width { return String(text.prefix(width - 1)) + String(ellipsis) }
        let padding = String(repeating: " ", count: width - text.count)
        return rightAligned ? padding + text : text + padding
    }
}
