/// Splits text into the words byte-level BPE merges within, for `tokenizer.ggml.pre` = "smollm".
///
/// llama.cpp applies two regexes in turn: `\p{N}` (every number code point becomes a word of its own),
/// then, inside each resulting piece, GPT-2's
/// `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`.
/// This is a hand-written matcher for that pair, working on code points classified once.
enum SmolLMPreTokenizer {
    /// Word boundaries, as indices into `scalars` (each word is `bounds[i]..<bounds[i + 1]`).
    static func wordBounds(_ scalars: [UInt32]) -> [Int] {
        let classes = scalars.map(CharacterClass.init)
        var bounds = [0]
        bounds.reserveCapacity(scalars.count / 3 + 2)
        var pieceStart = 0
        for i in classes.indices where classes[i] == .number {
            splitGPT2(scalars, classes, pieceStart..<i, into: &bounds)
            splitGPT2(scalars, classes, i..<(i + 1), into: &bounds)
            pieceStart = i + 1
        }
        splitGPT2(scalars, classes, pieceStart..<scalars.count, into: &bounds)
        return bounds
    }

    private static let apostrophe = UInt32(UInt8(ascii: "'"))
    private static let space = UInt32(UInt8(ascii: " "))
    private static let oneLetterContractions: Set<UInt32> = Set("stmd".unicodeScalars.map(\.value))
    private static let twoLetterContractions: Set<[UInt32]> = Set(["re", "ve", "ll"].map { $0.unicodeScalars.map(\.value) })

    /// GPT-2's regex over one piece; the regex never looks past the piece's ends.
    private static func splitGPT2(_ scalars: [UInt32], _ classes: [CharacterClass], _ piece: Range<Int>, into bounds: inout [Int]) {
        let end = piece.upperBound
        func classAt(_ i: Int) -> CharacterClass? { i < end ? classes[i] : nil }
        var pos = piece.lowerBound
        while pos < end {
            var wordEnd = pos + 1
            defer {
                bounds.append(wordEnd)
                pos = wordEnd
            }
            if scalars[pos] == apostrophe, pos + 1 < end {
                if oneLetterContractions.contains(scalars[pos + 1]) {
                    wordEnd = pos + 2
                    continue
                }
                if pos + 2 < end, twoLetterContractions.contains([scalars[pos + 1], scalars[pos + 2]]) {
                    wordEnd = pos + 3
                    continue
                }
            }
            // ` ?\p{L}+`, ` ?\p{N}+`, ` ?[^\s\p{L}\p{N}]+`: one optional leading space, then a run of one class.
            let runStart = scalars[pos] == space ? pos + 1 : pos
            if let runClass = classAt(runStart), runClass != .whitespace {
                wordEnd = runStart + 1
                while classAt(wordEnd) == runClass { wordEnd += 1 }
                continue
            }
            var spaces = 0
            while classAt(pos + spaces) == .whitespace { spaces += 1 }
            if spaces > 1 && pos + spaces < end {
                // `\s+(?!\S)`: leave the last space to prefix the word that follows.
                wordEnd = pos + spaces - 1
            } else if spaces > 0 {
                wordEnd = pos + spaces
            }
        }
    }
}
