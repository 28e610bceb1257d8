import Dispatch
import Synchronization

/// Images as a prompt needs them before the vision tower: one seen before comes back as its rows from
/// the embedding cache (by content, before any other work); a new one is decoded and preprocessed into
/// the tower's pixels. Thread-safe: a worker runs it off the compute thread, beside the tower, and at
/// most `decodeSlots` images are decoded at a time, so their buffers bound its memory.
public final class ImageInput: Sendable {
    public let decoder: ImageDecoder
    public let preprocessor: ImagePreprocessor
    /// Rows each image takes in the prompt.
    public let positionsPerImage: Int
    /// Width of each row: the language model's embedding width.
    public let width: Int
    private let cache: Mutex<ImageEmbeddingCache>
    private let decodeSlots: DispatchSemaphore

    public init(decoder: ImageDecoder, preprocessor: ImagePreprocessor, positionsPerImage: Int, width: Int,
                cacheBytes: Int, concurrentDecodes: Int = 2) {
        self.decoder = decoder
        self.preprocessor = preprocessor
        self.positionsPerImage = positionsPerImage
        self.width = width
        cache = Mutex(ImageEmbeddingCache(capacityBytes: cacheBytes))
        decodeSlots = DispatchSemaphore(value: max(concurrentDecodes, 1))
    }

    /// An image on its way to the prompt.
    public enum Prepared: Sendable {
        /// Encoded before: `positionsPerImage × width` floats.
        case rows([Float])
        /// To be encoded: normalised planar RGB at the tower's size.
        case pixels([Float])
    }

    /// The cache's rows for `key`, else the image decoded and preprocessed. The decoded image is
    /// dropped before this returns; only the pixels stay.
    public func prepare(_ bytes: [UInt8], key: ImageKey) throws(ImageError) -> Prepared {
        if let rows = cache.withLock({ $0.lookup(key) }) { return .rows(rows) }
        decodeSlots.wait()
        defer { decodeSlots.signal() }
        let image = try decoder.decode(bytes)
        return .pixels(preprocessor.preprocess(image).planes)
    }

    /// Keeps an image's rows for the next prompt that brings it.
    public func remember(_ rows: [Float], for key: ImageKey) {
        cache.withLock { $0.insert(rows, for: key) }
    }

    public var cacheHits: Int { cache.withLock(\.hits) }
    public var cacheMisses: Int { cache.withLock(\.misses) }

    /// Content hashes of the most recently used images, for the heartbeat.
    public func recentImages(_ n: Int = 16) -> [UInt64] { cache.withLock { $0.recentKeys(n) }.map(\.hash) }
}
