/// The vision side of a model: `ImageInput` (the cache by content, decoding, LLaVA's preprocessing)
/// and the vision tower with its projector. One-shot callers encode a built prompt's images with
/// `encodePending`, all in one batched pass; a worker's step loop drives the two parts apart, the
/// input off its compute thread and the tower in slices.
public final class ImageEmbedder {
    public let encoder: VisionEncoder
    public let input: ImageInput

    /// Rows each image takes in the prompt.
    public var positionsPerImage: Int { input.positionsPerImage }
    /// Width of each row: the language model's embedding width.
    public var width: Int { input.width }

    /// - Parameter languageWidth: the language model's embedding width, which the projector must produce.
    /// - Parameter pool: the language model's compute threads, which the vision tower shares.
    public init(mmproj: GGUFFile, languageWidth: Int, pool: ComputePool, limits: ImageLimits = .default,
                cacheBytes: Int = 256 << 20) throws(GGUFError) {
        encoder = try VisionEncoder(gguf: mmproj, pool: pool)
        guard encoder.config.projectionDim == languageWidth else {
            throw GGUFError(mmproj.path, "the projector produces \(encoder.config.projectionDim)-wide embeddings; the language model takes \(languageWidth)")
        }
        input = ImageInput(decoder: ImageDecoder(limits: limits), preprocessor: try ImagePreprocessor(mmproj: mmproj),
                           positionsPerImage: encoder.config.patchCount, width: encoder.config.projectionDim,
                           cacheBytes: cacheBytes)
    }

    public struct Failure: Error, CustomStringConvertible {
        public let index: Int
        public let message: String
        public var description: String { "image \(index + 1): \(message)" }
    }

    /// Encodes a built prompt's pending images now, batched (`maxBatch` a pass), and places their rows.
    public func encodePending(_ prompt: inout PromptBuilder.Prompt) throws(Failure) {
        let pending = prompt.pending
        let encoded: [[Float]]
        do {
            encoded = try encoder.encode(pending.map(\.pixels))
        } catch {
            throw Failure(index: 0, message: "\(error)")
        }
        for (image, rows) in zip(pending, encoded) {
            prompt.items.place(rows, at: image.span, width: width)
            input.remember(rows, for: image.span.key)
        }
        prompt.pending = []
    }

    /// Content hashes of the most recently used images, for the heartbeat.
    public func recentImages(_ n: Int = 16) -> [UInt64] { input.recentImages(n) }
}
