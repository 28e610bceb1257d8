/// A worker's tokens/s over the last minute in `width` characters, newest at the right. Each
/// character is the mean of the samples in its slice of the minute; a slice with none is blank.
enum Sparkline {
    static func draw(
        _ samples: [WorkerHistory.Sample], width: Int, now: Double, scale: Double, glyphs: Glyphs
    ) -> String {
        guard width > 0 else { return "" }
        let slice = WorkerHistory.window / Double(width)
        var sums = [Double](repeating: 0, count: width)
        var counts = [Int](repeating: 0, count: width)
        for sample in samples {
            let age = now - sample.time
            guard age >= 0, age <= WorkerHistory.window else { continue }
            let index = width - 1 - min(width - 1, Int(age / slice))
            sums[index] += sample.tokensPerSecond
            counts[index] += 1
        }
        let top = glyphs.levels.count - 1
        return String((0..<width).map { index -> Character in
            guard counts[index] > 0 else { return " " }
            let mean = sums[index] / Double(counts[index])
            let level = scale > 0 ? Int((mean / scale * Double(top)).rounded()) : 0
            return glyphs.levels[max(0, min(top, level))]
        })
    }
}

/// A usage bar with its percentage: `[####......] 40%` in `width` characters.
enum UsageBar {
    static func draw(used: Int, total: Int, width: Int, glyphs: Glyphs) -> String {
        guard total > 0 else { return Format.fit("-", width, ellipsis: glyphs.ellipsis) }
        let share = min(1, max(0, Double(used) / Double(total)))
        let percent = Format.fit("\(Int((share * 100).rounded()))%", 4, rightAligned: true, ellipsis: glyphs.ellipsis)
        let barWidth = width - 5
        guard barWidth >= 2 else { return Format.fit(percent, width, rightAligned: true, ellipsis: glyphs.ellipsis) }
        // A block in use shows at least one mark.
        let filled = used > 0 ? max(1, Int((share * Double(barWidth)).rounded())) : 0
        return String(repeating: glyphs.barFull, count: filled)
            + String(repeating: glyphs.barEmpty, count: barWidth - filled) + " " + percent
    }
}
