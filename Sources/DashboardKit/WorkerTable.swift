import LoomProtocol

/// The title row and one row per worker, sorted as the frame says; stale rows highlighted.
struct WorkerTable {
    private let workers: [WorkerStatus]
    private let layout: TableLayout
    private let frame: DashboardFrame
    private let glyphs: Glyphs
    private let width: Int
    /// The sparklines' common top: the highest tokens/s any worker shows, so rows compare.
    private let scale: Double

    init(frame: DashboardFrame, width: Int, glyphs: Glyphs) {
        self.frame = frame
        self.glyphs = glyphs
        self.width = width
        workers = frame.sort.sorted(frame.history.workers(at: frame.now))
        var needs: [TableLayout.Column: Int] = [:]
        for column in [TableLayout.Column.id, .host, .model] {
            needs[column] = ([column.title.count] + workers.map { Self.text(column, of: $0).count }).max()
        }
        layout = TableLayout(width: width, needs: needs)
        scale = max(1, workers.flatMap { frame.history.throughput(of: $0.id) }.map(\.tokensPerSecond).max() ?? 0)
    }

    /// The title and as many rows as `room` lines allow (counting the title); when some do not
    /// fit, the last line says how many are left out.
    func lines(fitting room: Int) -> [StyledLine] {
        guard room > 0 else { return [] }
        let title = StyledLine(
            layout.columns.map { cell($0.column.title, $0.column, $0.width) }.joined(separator: " "), .title
        ).restyled(.title, paddedTo: width)
        guard !workers.isEmpty else { return [title, StyledLine("no workers registered", .dim)].prefix(room).map { $0 } }
        let rowRoom = room - 1
        let shown = workers.count <= rowRoom ? workers : Array(workers.prefix(max(0, rowRoom - 1)))
        var lines = [title] + shown.map(row)
        if shown.count < workers.count, rowRoom > 0 {
            lines.append(StyledLine("+\(workers.count - shown.count) more workers: a taller terminal shows them", .dim))
        }
        return lines
    }

    private func row(_ worker: WorkerStatus) -> StyledLine {
        var spans: [Span] = []
        for (index, entry) in layout.columns.enumerated() {
            if index > 0 { spans.append(Span(" ")) }
            let text: String
            switch entry.column {
            case .kv:
                text = UsageBar.draw(
                    used: worker.load.kvBlocksUsed, total: worker.load.kvBlocksTotal, width: entry.width, glyphs: glyphs)
            case .cache:
                let rate = frame.history.cacheHitRate(of: worker.id)
                text = cell(rate.map(Format.percent) ?? "-", entry.column, entry.width)
            case .sparkline:
                text = Sparkline.draw(
                    frame.history.throughput(of: worker.id), width: entry.width, now: frame.now, scale: scale,
                    glyphs: glyphs)
            default:
                text = cell(Self.text(entry.column, of: worker), entry.column, entry.width)
            }
            spans.append(Span(text, entry.column == .state ? Self.style(of: worker.state) : .plain))
        }
        let line = StyledLine(spans)
        switch worker.state {
        case .stale: return line.restyled(.highlight, paddedTo: width)
        case .gone: return line.restyled(.dim, paddedTo: width)
        case .ready, .busy: return line
        }
    }

    private func cell(_ text: String, _ column: TableLayout.Column, _ width: Int) -> String {
        Format.fit(text, width, rightAligned: column.rightAligned, ellipsis: glyphs.ellipsis)
    }

    private static func text(_ column: TableLayout.Column, of worker: WorkerStatus) -> String {
        switch column {
        case .id: Format.printable(worker.id)
        case .host: Format.printable(worker.host)
        case .model: Format.printable(worker.models.map(\.name).joined(separator: ","))
        case .state: worker.state.name
        case .heartbeat: Format.duration(milliseconds: worker.heartbeatAgeMs)
        case .waiting: String(worker.load.waiting)
        case .running: String(worker.load.running)
        case .tokens: Format.rate(worker.load.tokensPerSecond)
        case .kv, .cache, .sparkline: ""
        }
    }

    private static func style(of state: WorkerState) -> TextStyle {
        switch state {
        case .ready: .good
        case .busy: .warning
        case .stale: .highlight
        case .gone: .bad
        }
    }
}
