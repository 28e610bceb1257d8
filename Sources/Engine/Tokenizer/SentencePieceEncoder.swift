/// SentencePiece (`tokenizer.ggml.model` = "llama") as llama.cpp's `llm_tokenizer_spm_session` runs it:
/// spaces become U+2581, the text starts as one symbol per character, and the adjacent pair whose
/// concatenation is the vocabulary entry with the highest score merges first (leftmost on ties).
/// Characters left outside any token fall back to `<0xXX>` byte tokens.
struct SentencePieceEncoder: Sendable {
    private let vocabulary: Vocabulary
    /// The token for each byte: `<0xXX>`, else the one-byte text itself, else the unknown token.
    private let byteTokens: [Int32?]

    static let escapedSpace: [UInt8] = [0xE2, 0x96, 0x81]  // U+2581 "▁"

    init(vocabulary: Vocabulary, unknown: Int32?) {
        self.vocabulary = vocabulary
        byteTokens = (0...255).map { byte in
            let hex = String(UInt8(byte), radix: 16, uppercase: true)
            let name = "<0x" + (hex.count == 1 ? "0" + hex : hex) + ">"
            return vocabulary.id(of: Array(name.utf8)) ?? vocabulary.id(of: [UInt8(byte)]) ?? unknown
        }
    }

    /// A key that sorts higher scores first: the float's bits made order-preserving, then inverted
    /// (-0 counts as 0, as in a float comparison).
    static func descendingOrder(_ score: Float) -> UInt32 {
        let bits = score == 0 ? 0 : score.bitPattern
        let ascending = bits & 0x8000_0000 != 0 ? ~bits : bits | 0x8000_0000
        return ~ascending
    }

    /// Appends the tokens of one text fragment, with a leading space when `prefixSpace`.
    func encode(_ fragment: ArraySlice<UInt8>, prefixSpace: Bool, into output: inout [Int32]) {
        var text: [UInt8] = []
        text.reserveCapacity(fragment.count + 3)
        if prefixSpace { text += Self.escapedSpace }
        for byte in fragment {
            if byte == UInt8(ascii: " ") { text += Self.escapedSpace } else { text.append(byte) }
        }

        var chain = SymbolChain(characterSymbolsOf: text, in: 0..<text.count)
        var queue = MergeQueue()
        func consider(_ left: Int32, _ right: Int32) {
            guard left >= 0, right >= 0 else { return }
            let start = Int(chain.start[Int(left)])
            let length = Int(chain.length[Int(left)] + chain.length[Int(right)])
            guard let token = vocabulary.id(of: text[start..<(start + length)]) else { return }
            let order = Self.descendingOrder(vocabulary.scores[Int(token)])
            queue.push(MergeCandidate(order: order, left: left, length: Int32(length)))
        }
        for i in chain.start.indices.dropFirst() { consider(Int32(i - 1), Int32(i)) }

        // Hot spot: one iteration per merge. Symbols only grow, so unchanged lengths mean the
        // candidate's pair is still there.
        while let candidate = queue.pop() {
            let left = candidate.left, l = Int(left)
            let right = chain.next[l]
            guard chain.length[l] > 0, right >= 0, chain.length[l] + chain.length[Int(right)] == candidate.length
            else { continue }  // stale: one side has merged since
            chain.merge(left, right)
            consider(chain.previous[l], left)
            consider(left, chain.next[l])
        }

        for symbol in chain.survivors {
            let start = Int(chain.start[Int(symbol)])
            let piece = text[start..<(start + Int(chain.length[Int(symbol)]))]
            if let token = vocabulary.id(of: piece) {
                output.append(token)
            } else {
                output += piece.compactMap { byteTokens[Int($0)] }
            }
        }
    }
}
