import Foundation

extension BenchReport {
    /// The prefix cache's section: what share of the prompt tokens it supplied, overall and (for
    /// conversations) over the follow-up turns; says so plainly when the server reported none.
    var cacheLines: [String] {
        var lines = [Self.banner("Prefix Cache", fill: "-")]
        if let systemPromptTokens { lines.append(Self.row("System prompt (tokens, about):", String(systemPromptTokens))) }
        if cache.reporting > 0 {
            lines.append(Self.row("Prompt tokens from the cache:", "\(cache.cachedTokens) of \(cache.promptTokens)"))
        }
        if cache.reporting < cache.requests {
            lines.append(Self.row("Requests reporting cached tokens:", "\(cache.reporting) of \(cache.requests)"))
        }
        lines.append(Self.row("Cached share of prompt tokens (%):", Self.percentage(cache)))
        if let followUpCache {
            lines.append(Self.row("Cached share, turns 2 and later (%):", Self.percentage(followUpCache)))
        }
        return lines
    }

    /// TTFT by turn, a line per turn: the later turns carry the history a cache can hold.
    var turnLines: [String] {
        var lines = [Self.banner("Time to First Token by Turn", fill: "-")]
        let columns = ["Turn", "Requests", "Failed", "Prompt tokens", "P50 (ms)", "P90 (ms)", "Mean (ms)", "Cached (%)"]
        func line(_ cells: [String]) -> String {
            zip(cells, columns).map { $0.0.leftPadding(toLength: $0.1.count) }.joined(separator: "  ")
        }
        lines.append(columns.joined(separator: "  "))
        for turn in turns {
            let ttft = turn.timeToFirstToken
            lines.append(line([
                String(turn.turn), String(turn.completed), String(turn.failed), String(format: "%.1f", turn.meanInputTokens),
                Self.number(ttft.median), Self.number(ttft.p90), Self.number(ttft.mean),
                turn.cache.share.map { Self.number($0 * 100) } ?? "-",
            ]))
        }
        return lines
    }

    /// A share as a percentage, or why there is none; a zero says the server reported zero.
    static func percentage(_ cache: PromptCacheShare) -> String {
        guard cache.requests > 0 else { return "n/a (no successful request)" }
        guard let share = cache.share else {
            return cache.reporting == 0 ? "not reported by the server" : "n/a (no prompt tokens)"
        }
        return share == 0 ? "0.00 (the server reported no cached tokens)" : number(share * 100)
    }
}

extension String {
    /// Right-aligned in `length` columns (never cut).
    fileprivate func leftPadding(toLength length: Int) -> String {
        String(repeating: " ", count: max(0, length - count)) + self
    }
}
