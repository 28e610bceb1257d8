/// Images in, language-model embedding rows out: `ImageInput` (the cache by content, decoding,
/// LLaVA's preprocessing) then the vision tower and projector. All images of a call are encoded
/// together in one batched pass. What one-shot callers use; a worker's step loop drives the same two
/// parts apart, the input off its compute thread and the tower in slices.
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

    /// `positionsPerImage × width` floats per image, in order. Every image is decoded before any is
    /// encoded, so one bad image fails the call before work is spent on the others.
    public func embed(_ images: [[UInt8]]) throws(Failure) -> [[Float]] {
        try embed(images, keys: images.map(ImageKey.init))
    }

    /// As `embed(_:)`, for images whose keys the caller has already hashed (one per image, in order).
    public func embed(_ images: [[UInt8]], keys: [ImageKey]) throws(Failure) -> [[Float]] {
        precondition(keys.count == images.count, "one key per image")
        var rows: [[Float]] = []
        var pending: [(index: Int, pixels: [Float])] = []
        for (i, bytes) in images.enumerated() {
            do {
                switch try input.prepare(bytes, key: keys[i]) {
                case .rows(let cached): rows.append(cached)
                case .pixels(let pixels):
                    rows.append([])
                    pending.append((i, pixels))
                }
            } catch {
                throw Failure(index: i, message: error.description)
            }
        }
        let encoded = try encode(pending.map(\.pixels), keys: pending.map { keys[$0.index] }, firstIndex: pending.first?.index ?? 0)
        for (p, embedding) in zip(pending, encoded) { rows[p.index] = embedding }
        return rows
    }

    /// Encodes a built prompt's pending images now, in one pass, and places their rows.
    public func encodePending(_ prompt: inout PromptBuilder.Prompt) throws(Failure) {
        let pending = prompt.pending
        let encoded = try encode(pending.map(\.pixels), keys: pending.map(\.span.key), firstIndex: 0)
        for (image, rows) in zip(pending, encoded) { prompt.items.place(rows, at: image.span, width: width) }
        prompt.pending = []
    }

    private func encode(_ pixels: [[Float]], keys: [ImageKey], firstIndex: Int) throws(Failure) -> [[Float]] {
        guard !pixels.isEmpty else { return [] }
        let encoded: [[Float]]
        do {
            encoded = try encoder.encode(pixels)
        } catch {
            throw Failure(index: firstIndex, message: "\(error)")
        }
        for (key, rows) in zip(keys, encoded) { input.remember(rows, for: key) }
        return encoded
    }

    /// Content hashes of the most recently used images, for the heartbeat.
    public func recentImages(_ n: Int = 16) -> [UInt64] { input.recentImages(n) }
}
