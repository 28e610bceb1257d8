/// The classes GPT-2-style pre-tokenizer regexes distinguish: `\p{L}`, `\p{N}`, `\s`, and the rest.
enum CharacterClass: UInt8 {
    case letter, number, whitespace, other

    /// `\s` is Unicode's White_Space property (as in llama.cpp's table); it wins over the general
    /// category, which for those code points is a separator or a control anyway.
    init(_ value: UInt32) {
        if value < 0x80 {
            self = Self.ascii[Int(value)]
            return
        }
        guard let scalar = Unicode.Scalar(value) else {
            self = .other
            return
        }
        let properties = scalar.properties
        if properties.isWhitespace {
            self = .whitespace
            return
        }
        switch properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter:
            self = .letter
        case .decimalNumber, .letterNumber, .otherNumber:
            self = .number
        default:
            self = .other
        }
    }

    private static let ascii: [CharacterClass] = (0..<128).map { value in
        switch UInt8(value) {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"): .letter
        case UInt8(ascii: "0")...UInt8(ascii: "9"): .number
        case 0x09...0x0D, 0x20: .whitespace
        default: .other
        }
    }
}
