/// The worker table's columns and how wide each is for a terminal width: every column gets its
/// minimum, the least useful are dropped when even that does not fit, and room left over goes
/// first to columns whose contents are cut short, then to the KV bar and the sparkline.
struct TableLayout: Equatable {
    enum Column: CaseIterable, Equatable {
        case id, host, model, state, heartbeat, waiting, running, kv, cache, tokens, sparkline

        var title: String {
            switch self {
            case .id: "ID"
            case .host: "HOST"
            case .model: "MODEL"
            case .state: "STATE"
            case .heartbeat: "HB"
            case .waiting: "WAIT"
            case .running: "RUN"
            case .kv: "KV"
            case .cache: "CACHE"
            case .tokens: "TOK/S"
            case .sparkline: "LAST MINUTE"
            }
        }

        var minWidth: Int {
            switch self {
            case .id, .model: 8
            case .host: 6
            case .state, .heartbeat, .cache: 5
            case .waiting: 4
            case .running: 3
            case .kv: 9
            case .tokens: 6
            case .sparkline: 11
            }
        }

        var maxWidth: Int {
            switch self {
            case .id: 24
            case .host: 20
            case .model: 28
            case .kv: 25
            case .sparkline: 60
            default: minWidth
            }
        }

        var rightAligned: Bool {
            [.heartbeat, .waiting, .running, .cache, .tokens].contains(self)
        }

        /// Dropped first when the terminal is too narrow; `nil`: never dropped.
        var dropOrder: Int? {
            switch self {
            case .sparkline: 0
            case .host: 1
            case .cache: 2
            case .kv: 3
            case .waiting: 4
            case .model: 5
            default: nil
            }
        }
    }

    static let gap = 1
    private(set) var columns: [(column: Column, width: Int)]

    /// `needs`: the width each text column's widest cell (title included) would like.
    init(width: Int, needs: [Column: Int]) {
        var shown = Column.allCases
        func total(_ columns: [Column]) -> Int {
            columns.reduce(0) { $0 + $1.minWidth } + Self.gap * (columns.count - 1)
        }
        let droppable = Column.allCases.filter { $0.dropOrder != nil }.sorted { ($0.dropOrder ?? 0) < ($1.dropOrder ?? 0) }
        for column in droppable where total(shown) > width {
            shown.removeAll { $0 == column }
        }
        var widths = Dictionary(uniqueKeysWithValues: shown.map { ($0, $0.minWidth) })
        var spare = width - total(shown)
        // First: text columns up to what their contents need; then the bar and the sparkline.
        let textColumns = shown.filter { [.id, .host, .model].contains($0) }
        let stages: [([Column], (Column) -> Int)] = [
            (textColumns, { min($0.maxWidth, needs[$0] ?? $0.minWidth) }),
            (shown.filter { [.kv, .sparkline].contains($0) }, { $0.maxWidth }),
        ]
        for (candidates, limit) in stages {
            var growing = candidates.filter { (widths[$0] ?? 0) < limit($0) }
            while spare > 0, !growing.isEmpty {
                for column in growing where spare > 0 {
                    widths[column, default: 0] += 1
                    spare -= 1
                }
                growing = growing.filter { (widths[$0] ?? 0) < limit($0) }
            }
        }
        columns = shown.map { ($0, widths[$0] ?? $0.minWidth) }
    }

    static func == (left: TableLayout, right: TableLayout) -> Bool {
        left.columns.map(\.column) == right.columns.map(\.column) && left.columns.map(\.width) == right.columns.map(\.width)
    }

    func width(of column: Column) -> Int? {
        columns.first { $0.column == column }?.width
    }
}
