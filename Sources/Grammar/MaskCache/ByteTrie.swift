/// Byte strings (token bytes, or token suffixes) as a trie laid out in preorder, so a walk can skip a
/// whole subtree (every string sharing a dead prefix) by jumping to `end[node]`.
struct ByteTrie: Sendable {
    /// Per node: its byte, its depth (1 for the first byte), and the preorder index after its subtree.
    private(set) var byte: [UInt8] = []
    private(set) var depth: [Int32] = []
    private(set) var end: [Int32] = []
    /// Node `i`'s strings end there, for the tokens `tokens[tokenStart[i]..<tokenStart[i + 1]]`.
    private(set) var tokenStart: [Int32] = []
    private(set) var tokens: [Int32] = []
    /// The longest string's length.
    private(set) var height = 0

    /// `entries` sorted by their bytes, none empty.
    init(sorted entries: [(ArraySlice<UInt8>, Int32)]) {
        var open: [Int] = []
        var previous: ArraySlice<UInt8> = []
        for (key, token) in entries {
            var common = 0
            while common < min(key.count, previous.count)
                && key[key.startIndex + common] == previous[previous.startIndex + common] { common += 1 }
            while open.count > common { end[open.removeLast()] = Int32(byte.count) }
            for d in common..<key.count {
                open.append(byte.count)
                byte.append(key[key.startIndex + d])
                depth.append(Int32(d + 1))
                end.append(0)
                tokenStart.append(Int32(tokens.count))
            }
            tokens.append(token)
            height = max(height, key.count)
            previous = key
        }
        while let node = open.popLast() { end[node] = Int32(byte.count) }
        tokenStart.append(Int32(tokens.count))
    }

    var count: Int { byte.count }
    /// Bytes held, for reporting the cache's size.
    var storageBytes: Int { byte.count * 13 + tokenStart.count * 4 + tokens.count * 4 }
    var isEmpty: Bool { byte.isEmpty }

    func tokens(at node: Int) -> ArraySlice<Int32> {
        tokens[Int(tokenStart[node])..<Int(tokenStart[node + 1])]
    }
}
