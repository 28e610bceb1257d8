/// The sets of parse stacks that mask walks meet, numbered, with their transitions remembered: walks
/// from different positions (every character of a string, every copy of a repetition) meet the same
/// sets again and again, so a step is then a table lookup rather than stepping every stack (which
/// allocates). Exact: `StackMachine.advance` is a function of the set and the byte.
struct StackSetTable {
    let machine: StackMachine
    private var ids: [[ParseStack]: Int32] = [:]
    private var sets: [[ParseStack]] = []
    /// Per set: some stack of it can end.
    private(set) var canEnd: [Bool] = []
    /// `rows[set << 8 | byte]`: the set after the byte, -1 until it is first asked for; for the first
    /// `rowSets` sets only, then `spilled`. A grammar of many literals (a long `enum`) can meet a set
    /// per trie node, and rows for all of them would take 1 KiB each.
    private var rows: [Int32] = []
    private var spilled: [Int: Int32] = [:]
    static let rowSets = 1 << 14

    /// The empty set: no stack survived.
    static let dead: Int32 = 0

    init(machine: StackMachine) {
        self.machine = machine
        _ = id(of: [])
    }

    mutating func id(of set: [ParseStack]) -> Int32 {
        if let id = ids[set] { return id }
        let id = Int32(sets.count)
        ids[set] = id
        sets.append(set)
        canEnd.append(set.contains { machine.canEnd($0) })
        if sets.count <= Self.rowSets { rows += repeatElement(-1, count: 256) }
        return id
    }

    mutating func advance(_ set: Int32, byte: UInt8) -> Int32 {
        let slot = Int(set) << 8 | Int(byte)
        if slot < rows.count {
            if rows[slot] < 0 {
                let result = id(of: machine.advance(sets[Int(set)], byte: byte))
                rows[slot] = result
            }
            return rows[slot]
        }
        if let known = spilled[slot] { return known }
        let result = id(of: machine.advance(sets[Int(set)], byte: byte))
        spilled[slot] = result
        return result
    }
}
