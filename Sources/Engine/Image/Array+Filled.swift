extension Array where Element == UInt8 {
    /// `count` bytes written by `fill`, without zeroing them first; `fill`'s error passes through.
    static func filled(
        count: Int, by fill: (UnsafeMutableBufferPointer<UInt8>) throws(ImageError) -> Void
    ) throws(ImageError) -> [UInt8] {
        var outcome: Result<Void, ImageError> = .success(())
        let bytes = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            outcome = Result { () throws(ImageError) in try fill(buffer) }
            initialized = (try? outcome.get()) == nil ? 0 : count
        }
        try outcome.get()
        return bytes
    }
}
