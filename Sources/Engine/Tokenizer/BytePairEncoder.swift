/// Byte-level BPE (`tokenizer.ggml.model` = "gpt2") as llama.cpp's `llm_tokenizer_bpe_session` runs it:
/// within each pre-tokenized word, start from one symbol per byte and keep merging the adjacent pair
/// whose merge has the lowest rank (leftmost first on ties) until no listed merge applies.
///
/// Pieces are numbered: vocabulary ids, then ids for the few texts that merges mention but the
/// vocabulary lacks. Merges are looked up by the pair of piece ids, so the hot loop never hashes text.
struct BytePairEncoder: Sendable {
    private struct Merge: Sendable {
        let rank: Int32
        let result: Int32
    }

    private let vocabularySize: Int
    /// Merge of (left, right), keyed by `left << 32 | right`.
    private let merges: [UInt64: Merge]
    /// The piece standing for each raw byte.
    private let bytePieces: [Int32]
    /// Texts of pieces beyond the vocabulary (id `vocabularySize + index`).
    private let extraTexts: [[UInt8]]
    /// Tokens whose text is one byte, for pieces beyond the vocabulary.
    private let singleByteTokens: [Int32?]

    init(vocabulary: Vocabulary, mergeList: [String]) {
        vocabularySize = vocabulary.count
        var extraIDs: [[UInt8]: Int32] = [:]
        var extraTexts: [[UInt8]] = []
        func piece(_ text: [UInt8]) -> Int32 {
            if let id = vocabulary.id(of: text) ?? extraIDs[text] { return id }
            let id = Int32(vocabulary.count + extraTexts.count)
            extraIDs[text] = id
            extraTexts.append(text)
            return id
        }

        var merges: [UInt64: Merge] = [:]
        merges.reserveCapacity(mergeList.count)
        for (rank, line) in mergeList.enumerated() {
            // "left right", split at the first space after the first byte (a merge may start with one).
            let bytes = Array(line.utf8)
            guard let space = bytes.dropFirst().firstIndex(of: UInt8(ascii: " ")) else { continue }
            let left = Array(bytes[..<space]), right = Array(bytes[(space + 1)...])
            let key = Self.key(piece(left), piece(right))
            if merges[key] == nil {
                merges[key] = Merge(rank: Int32(rank), result: piece(left + right))
            }
        }
        self.merges = merges
        bytePieces = (0...255).map { piece(ByteLevelAlphabet.encoded(UInt8($0))) }
        self.extraTexts = extraTexts
        singleByteTokens = (0...255).map { vocabulary.id(of: [UInt8($0)]) }
    }

    @inline(__always)
    private static func key(_ left: Int32, _ right: Int32) -> UInt64 {
        UInt64(UInt32(bitPattern: left)) << 32 | UInt64(UInt32(bitPattern: right))
    }

    /// Appends the tokens of one pre-tokenized word, `bytes[word]`.
    // Hot spot: runs once per word of every prompt.
    func encode(_ bytes: [UInt8], word: Range<Int>, into output: inout [Int32]) {
        var chain = SymbolChain(byteSymbolsOf: word)
        var pieces = word.map { bytePieces[Int(bytes[$0])] }
        var queue = MergeQueue()
        // A rank names one pair of pieces, so a candidate is current exactly when the pair now at
        // `left` still has its rank (the same test as llama.cpp's comparison of texts).
        func rank(_ left: Int32, _ right: Int32) -> Merge? {
            guard left >= 0, right >= 0 else { return nil }
            return merges[Self.key(pieces[Int(left)], pieces[Int(right)])]
        }
        func consider(_ left: Int32, _ right: Int32) {
            if let merge = rank(left, right) { queue.push(MergeCandidate(order: UInt32(merge.rank), left: left)) }
        }
        for i in pieces.indices.dropFirst() { consider(Int32(i - 1), Int32(i)) }

        while let candidate = queue.pop() {
            let left = candidate.left, l = Int(left)
            let right = chain.next[l]
            guard chain.length[l] > 0, let merge = rank(left, right), UInt32(merge.rank) == candidate.order
            else { continue }  // stale: one side has merged since
            chain.merge(left, right)
            pieces[l] = merge.result
            consider(chain.previous[l], left)
            consider(left, chain.next[l])
        }

        for symbol in chain.survivors {
            let piece = pieces[Int(symbol)]
            if Int(piece) < vocabularySize {
                output.append(piece)
            } else {
                // Not a token: llama.cpp falls back to the tokens of the text's single bytes, if any.
                output += extraTexts[Int(piece) - vocabularySize].compactMap { singleByteTokens[Int($0)] }
            }
        }
    }
}
