/// What `h` shows in place of the table.
enum HelpView {
    static let lines: [StyledLine] = [
        StyledLine("Keys", .bold),
        StyledLine("  q, Ctrl-C   quit (the terminal is put back as it was)"),
        StyledLine("  s           next sort: state, id, tok/s, load, heartbeat"),
        StyledLine("  h           this help, and back"),
        StyledLine(),
        StyledLine("Columns", .bold),
        StyledLine("  STATE  ready: room for more; busy: full or queueing;"),
        StyledLine("         stale: a heartbeat missed; gone: dropped by the controller"),
        StyledLine("  HB     time since the worker was last heard from"),
        StyledLine("  WAIT   requests waiting at the worker; RUN: sequences running"),
        StyledLine("  KV     share of the worker's KV-cache blocks in use"),
        StyledLine("  CACHE  prompt tokens found in its prefix cache, last minute"),
        StyledLine("  TOK/S  tokens generated per second; LAST MINUTE: its history"),
    ]
}
