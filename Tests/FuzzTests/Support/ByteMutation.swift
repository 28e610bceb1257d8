import TestSupport

/// Format-blind ways to spoil bytes, each a small change to a valid input, so that most mutants get
/// past the first checks and reach deeper code.
enum ByteMutation: CaseIterable {
    case flipBits, setInterestingByte, setInteresting32, setInteresting64, truncate, insertRandom, deleteRange
    case duplicateRange, swapRanges

    /// Values at the edges of what lengths, counts and sizes hold.
    static let interesting32: [UInt32] = [0, 1, 0x7F, 0x80, 0xFF, 0xFFFF, 0x1_0000, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFE, 0xFFFF_FFFF]
    static let interesting64: [UInt64] = [0, 1, 1 << 31, 1 << 32, 1 << 40, 1 << 62, (1 << 63) - 1, 1 << 63, .max]
}

extension SplitMix64 {
    /// `bytes` with one to `rounds` random mutations applied.
    mutating func mutate(_ bytes: [UInt8], rounds: Int = 3) -> [UInt8] {
        var out = bytes
        for _ in 0..<(1 + below(rounds)) { mutateOnce(&out) }
        return out
    }

    mutating func mutateOnce(_ bytes: inout [UInt8]) {
        let all = ByteMutation.allCases
        switch all[below(all.count)] {
        case .flipBits:
            guard !bytes.isEmpty else { return }
            bytes[below(bytes.count)] ^= UInt8(truncatingIfNeeded: 1 + below(255))
        case .setInterestingByte:
            guard !bytes.isEmpty else { return }
            bytes[below(bytes.count)] = element([0, 1, 0x7F, 0x80, 0xFF])
        case .setInteresting32:
            overwrite(&bytes, with: element(ByteMutation.interesting32), bigEndian: oneIn(2))
        case .setInteresting64:
            overwrite(&bytes, with: element(ByteMutation.interesting64), bigEndian: oneIn(2))
        case .truncate:
            bytes.removeLast(below(bytes.count + 1))
        case .insertRandom:
            bytes.insert(contentsOf: self.bytes(1 + below(16)), at: below(bytes.count + 1))
        case .deleteRange:
            guard !bytes.isEmpty else { return }
            let start = below(bytes.count)
            bytes.removeSubrange(start..<min(bytes.count, start + 1 + below(32)))
        case .duplicateRange:
            guard !bytes.isEmpty else { return }
            let start = below(bytes.count)
            let range = Array(bytes[start..<min(bytes.count, start + 1 + below(64))])
            bytes.insert(contentsOf: range, at: below(bytes.count + 1))
        case .swapRanges:
            guard bytes.count >= 8 else { return }
            let a = below(bytes.count - 4), b = below(bytes.count - 4)
            for k in 0..<4 { bytes.swapAt(a + k, b + k) }
        }
    }

    /// Writes `value` over the bytes at a random offset (little- or big-endian), as a length or size field would hold it.
    mutating func overwrite<T: FixedWidthInteger>(_ bytes: inout [UInt8], with value: T, bigEndian: Bool) {
        let size = MemoryLayout<T>.size
        guard bytes.count >= size else { return }
        overwrite(&bytes, at: below(bytes.count - size + 1), with: value, bigEndian: bigEndian)
    }

    func overwrite<T: FixedWidthInteger>(_ bytes: inout [UInt8], at offset: Int, with value: T, bigEndian: Bool) {
        let size = MemoryLayout<T>.size
        guard offset >= 0, offset + size <= bytes.count else { return }
        for k in 0..<size {
            let shift = bigEndian ? (size - 1 - k) * 8 : k * 8
            bytes[offset + k] = UInt8(truncatingIfNeeded: value >> shift)
        }
    }
}
