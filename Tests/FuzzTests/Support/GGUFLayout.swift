import Engine

/// Where the fields of a GGUF file's header lie, found by walking it as the format describes
/// (independently of the reader under test): counts, string lengths, value types, array lengths,
/// tensor dimensions, types and offsets. Mutations aim at these.
struct GGUFLayout {
    enum Kind: String, CaseIterable {
        case tensorCount, metadataCount, stringLength, valueType, elementType, arrayLength, scalar
        case dimensionCount, dimension, tensorType, tensorOffset
    }

    struct Field {
        let kind: Kind
        let offset: Int
        /// 1, 2, 4 or 8 bytes, little-endian.
        let width: Int
    }

    private(set) var fields: [Field] = []
    /// Where the tensor infos end (the data section starts at the next multiple of the alignment).
    private(set) var headerEnd = 0

    /// Walks `bytes` as far as they make sense.
    init(_ bytes: [UInt8]) {
        var position = 8
        func u32(_ at: Int) -> Int? { at + 4 <= bytes.count ? bytes[at..<at + 4].reversed().reduce(0) { $0 << 8 | Int($1) } : nil }
        func u64(_ at: Int) -> Int? {
            guard at + 8 <= bytes.count else { return nil }
            let value = bytes[at..<at + 8].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            return value < 1 << 40 ? Int(value) : nil
        }
        func note(_ kind: Kind, _ width: Int) { fields.append(Field(kind: kind, offset: position, width: width)) }
        func string() -> Bool {
            guard let length = u64(position), position + 8 + length <= bytes.count else { return false }
            note(.stringLength, 8)
            position += 8 + length
            return true
        }
        let widths: [Int: Int] = [0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8]
        func value(_ type: Int) -> Bool {
            if let width = widths[type] {
                guard position + width <= bytes.count else { return false }
                note(.scalar, width)
                position += width
                return true
            }
            if type == 8 { return string() }
            guard type == 9, let element = u32(position) else { return false }
            note(.elementType, 4)
            position += 4
            guard let count = u64(position) else { return false }
            note(.arrayLength, 8)
            position += 8
            for _ in 0..<count where !value(element) { return false }
            return true
        }

        guard let tensorCount = u64(position), let metadataCount = u64(position + 8) else { return }
        note(.tensorCount, 8)
        position += 8
        note(.metadataCount, 8)
        position += 8
        for _ in 0..<metadataCount {
            guard string(), let type = u32(position) else { return }
            note(.valueType, 4)
            position += 4
            guard value(type) else { return }
        }
        for _ in 0..<tensorCount {
            guard string(), let dimensions = u32(position), dimensions <= 4 else { return }
            note(.dimensionCount, 4)
            position += 4
            for _ in 0..<dimensions {
                guard u64(position) != nil else { return }
                note(.dimension, 8)
                position += 8
            }
            guard u32(position) != nil else { return }
            note(.tensorType, 4)
            position += 4
            guard u64(position) != nil else { return }
            note(.tensorOffset, 8)
            position += 8
        }
        headerEnd = position
    }
}
