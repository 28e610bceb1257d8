/// One sample line of the Prometheus text format: `name{label="value",...} number`.
struct PrometheusSample: Sendable, Equatable {
    var name: String
    var labels: [String: String]
    var value: Double

    /// The samples of an exposition; comments, blank lines and lines that do not parse are skipped.
    static func parse(_ text: String) -> [PrometheusSample] {
        text.split(separator: "\n").compactMap { line in
            line.hasPrefix("#") ? nil : parse(line: line)
        }
    }

    private static func parse(line: Substring) -> PrometheusSample? {
        guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { return nil }
        let series = line[..<space]
        guard let brace = series.firstIndex(of: "{") else {
            return series.isEmpty ? nil : PrometheusSample(name: String(series), labels: [:], value: value)
        }
        guard series.hasSuffix("}") else { return nil }
        let name = String(series[..<brace])
        guard let labels = parseLabels(series[series.index(after: brace)..<series.index(before: series.endIndex)]) else {
            return nil
        }
        return PrometheusSample(name: name, labels: labels, value: value)
    }

    /// `a="x",b="y\"z"`: values are quoted, with `\\`, `\"` and `\n` escapes.
    private static func parseLabels(_ text: Substring) -> [String: String]? {
        var labels: [String: String] = [:]
        var rest = text
        while !rest.isEmpty {
            guard let equals = rest.firstIndex(of: "=") else { return nil }
            let key = String(rest[..<equals])
            rest = rest[rest.index(after: equals)...]
            guard rest.first == "\"" else { return nil }
            rest = rest.dropFirst()
            var value = ""
            var closed = false
            while let character = rest.first {
                rest = rest.dropFirst()
                if character == "\"" {
                    closed = true
                    break
                }
                if character == "\\", let escaped = rest.first {
                    rest = rest.dropFirst()
                    value.append(escaped == "n" ? "\n" : escaped)
                } else {
                    value.append(character)
                }
            }
            guard closed else { return nil }
            labels[key] = value
            if rest.first == "," { rest = rest.dropFirst() }
        }
        return labels
    }
}

extension [PrometheusSample] {
    /// The sum of every sample named `name`, whatever its labels; 0 when there is none.
    func total(_ name: String, where include: ([String: String]) -> Bool = { _ in true }) -> Double {
        filter { $0.name == name && include($0.labels) }.reduce(0) { $0 + $1.value }
    }
}
