/// What the prefix cache compares: one 64-bit key per prompt position. A token is its id; an image
/// position is its image's keyed content hash (`ImageKey.keyed`, which nobody outside the process can
/// aim a collision at) and byte count mixed with its offset in the image, with the top bit set so that
/// it never equals a token.
public enum ItemKey {
    public static func token(_ token: Int32) -> UInt64 { UInt64(UInt32(bitPattern: token)) }

    public static func image(hash: UInt64, byteCount: Int, offset: Int) -> UInt64 {
        var h = hash ^ (UInt64(truncatingIfNeeded: byteCount) &* 0x9E37_79B9_7F4A_7C15)
        h ^= UInt64(truncatingIfNeeded: offset) &* 0xC2B2_AE3D_27D4_EB4F
        // splitmix64's finaliser: every input bit moves every output bit.
        h = (h ^ (h >> 30)) &* 0xBF58_476D_1CE4_E5B9
        h = (h ^ (h >> 27)) &* 0x94D0_49BB_1331_11EB
        h ^= h >> 31
        return h | (1 << 63)
    }

    /// One key per item: tokens by id, image rows by their span's image; `nil` if an embedding row
    /// belongs to no span (it cannot be compared, so the prompt is not cached).
    public static func keys(_ items: [PromptItem], images: [ImageSpan]) -> [UInt64]? {
        var keys: [UInt64?] = items.map { $0.token.map(token) }
        for span in images where span.positions.upperBound <= items.count {
            for (offset, position) in span.positions.enumerated() {
                keys[position] = image(hash: span.key.keyed, byteCount: span.key.byteCount, offset: offset)
            }
        }
        let known = keys.compactMap { $0 }
        return known.count == keys.count ? known : nil
    }
}
