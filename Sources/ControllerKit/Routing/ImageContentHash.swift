/// The content hash that names an image for cache-aware routing: 64-bit FNV-1a over the file's
/// bytes as they travel (the JPEG or PNG itself). Workers report the images they hold by this
/// hash in `WorkerLoad.recentImages`.
public enum ImageContentHash {
    public static func of(_ bytes: [UInt8]) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in bytes {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
        return hash
    }
}
