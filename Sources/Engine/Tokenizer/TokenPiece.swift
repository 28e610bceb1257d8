/// What a vocabulary entry stands for as bytes: llama.cpp's `token_to_piece` with special tokens shown.
enum TokenPiece {
    /// Control, unknown and user-defined tokens are their text, byte tokens their byte, normal tokens
    /// their text decoded (GPT-2's alphabet for BPE, U+2581 as a space for SentencePiece).
    static func bytes(model: Tokenizer.Model, text: [UInt8], kind: TokenKind) -> [UInt8] {
        switch kind {
        case .control, .unknown, .userDefined:
            return text
        case .byte:
            return byteTokenValue(text).map { [$0] } ?? []
        case .normal:
            switch model {
            case .bytePair: return ByteLevelAlphabet.decode(text)
            case .sentencePiece: return unescapeSpaces(text)
            }
        case .unused, .undefined:
            return []
        }
    }

    /// The byte of a `<0xXX>` token.
    private static func byteTokenValue(_ text: [UInt8]) -> UInt8? {
        guard text.count == 6, text.starts(with: Array("<0x".utf8)), text.last == UInt8(ascii: ">") else { return nil }
        return UInt8(String(decoding: text[3..<5], as: UTF8.self), radix: 16)
    }

    private static func unescapeSpaces(_ text: [UInt8]) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(text.count)
        var i = 0
        while i < text.count {
            if text[i...].starts(with: SentencePieceEncoder.escapedSpace) {
                result.append(UInt8(ascii: " "))
                i += 3
            } else {
                result.append(text[i])
                i += 1
            }
        }
        return result
    }
}
