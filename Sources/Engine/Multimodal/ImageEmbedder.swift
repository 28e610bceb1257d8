/// Images in, language-model embedding rows out: decoding, LLaVA's preprocessing, the vision tower
/// and projector, and a cache by content so the same image is encoded once.
/// All images of a call are encoded together in one batched pass.
public final class ImageEmbedder {
    public let encoder: VisionEncoder
    public let preprocessor: ImagePreprocessor
    public let decoder: ImageDecoder
    public private(set) var cache: ImageEmbeddingCache

    /// Rows each image takes in the prompt.
    public var positionsPerImage: Int { encoder.config.patchCount }
    /// Width of each row: the language model's embedding width.
    public var width: Int { encoder.config.projectionDim }

    /// - Parameter languageWidth: the language model's embedding width, which the projector must produce.
    /// - Parameter pool: the language model's compute threads, which the vision tower shares.
    public init(mmproj: GGUFFile, languageWidth: Int, pool: ComputePool, limits: ImageLimits = .default,
                cacheBytes: Int = 256 << 20) throws(GGUFError) {
        encoder = try VisionEncoder(gguf: mmproj, pool: pool)
        guard encoder.config.projectionDim == languageWidth else {
            throw GGUFError(mmproj.path, "the projector produces \(encoder.config.projectionDim)-wide embeddings; the language model takes \(languageWidth)")
        }
        preprocessor = try ImagePreprocessor(mmproj: mmproj)
        decoder = ImageDecoder(limits: limits)
        cache = ImageEmbeddingCache(capacityBytes: cacheBytes)
    }

    public struct Failure: Error, CustomStringConvertible {
        public let index: Int
        public let message: String
        public var description: String { "image \(index + 1): \(message)" }
    }

    /// `positionsPerImage × width` floats per image, in order. Every image is decoded before any is
    /// encoded, so one bad image fails the call before work is spent on the others.
    public func embed(_ images: [[UInt8]]) throws(Failure) -> [[Float]] {
        try embed(images, keys: images.map(ImageKey.init))
    }

    /// As `embed(_:)`, for images whose keys the caller has already hashed (one per image, in order).
    public func embed(_ images: [[UInt8]], keys: [ImageKey]) throws(Failure) -> [[Float]] {
        precondition(keys.count == images.count, "one key per image")
        var rows: [[Float]?] = keys.map { cache.lookup($0) }
        var pending: [(index: Int, pixels: [Float])] = []
        for (i, bytes) in images.enumerated() where rows[i] == nil {
            let image: RGBImage
            do {
                image = try decoder.decode(bytes)
            } catch {
                throw Failure(index: i, message: error.description)
            }
            pending.append((i, preprocessor.preprocess(image).planes))
        }
        if !pending.isEmpty {
            let encoded: [[Float]]
            do {
                encoded = try encoder.encode(pending.map(\.pixels))
            } catch {
                throw Failure(index: pending[0].index, message: "\(error)")
            }
            for (p, embedding) in zip(pending, encoded) {
                rows[p.index] = embedding
                cache.insert(embedding, for: keys[p.index])
            }
        }
        return rows.map { $0 ?? [] }
    }

    /// Content hashes of the most recently used images, for the heartbeat.
    public func recentImages(_ n: Int = 16) -> [UInt64] { cache.recentKeys(n).map(\.hash) }
}
