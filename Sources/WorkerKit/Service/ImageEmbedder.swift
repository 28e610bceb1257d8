/// Turns images (encoded bytes, JPEG or PNG) into language-model embedding rows, for a worker that
/// serves a multimodal model. Called on the compute thread.
public protocol ImageEmbedder: AnyObject {
    /// Embedding positions each image takes in the prompt.
    var positionsPerImage: Int { get }
    /// Embedding width (the language model's).
    var width: Int { get }
    /// Rows for each image, `positionsPerImage × width` floats each, all images encoded in one batch.
    func embed(_ images: [[UInt8]]) throws(ImageEmbeddingError) -> [[Float]]
}

public struct ImageEmbeddingError: Error, CustomStringConvertible {
    public let index: Int
    public let message: String
    public init(index: Int, message: String) {
        self.index = index
        self.message = message
    }
    public var description: String { "image \(index): \(message)" }
}
