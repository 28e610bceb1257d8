/// Turns prompt text with `<image>` markers and the images for them into decoder input: the text
/// between markers tokenized piece by piece (as llama.cpp's LLaVA path does), each marker replaced by
/// that image's embedding rows.
public struct PromptBuilder {
    public let tokenizer: Tokenizer
    public let images: ImageEmbedder?

    public init(tokenizer: Tokenizer, images: ImageEmbedder?) {
        self.tokenizer = tokenizer
        self.images = images
    }

    public enum Failure: Error, Equatable, CustomStringConvertible {
        case markerMismatch(markers: Int, images: Int)
        case noVisionModel
        case badImage(String)

        public var description: String {
            switch self {
            case .markerMismatch(let markers, let images):
                "the prompt has \(markers) image marker\(markers == 1 ? "" : "s") (\(ChatTemplate.imageMarker)) but \(images) image\(images == 1 ? "" : "s") came with it"
            case .noVisionModel: "this model reads no images (no vision projector is loaded)"
            case .badImage(let message): message
            }
        }
    }

    public struct Prompt {
        public var items: [PromptItem]
        /// Where each image's rows are, and whose they are.
        public var images: [ImageSpan]
        public var imagePositions: Int { images.reduce(0) { $0 + $1.positions.count } }
    }

    /// - Parameter parseSpecial: whether control tokens written in the text (a chat template's) are parsed.
    public func build(_ text: String, parseSpecial: Bool, images imageBytes: [[UInt8]]) throws(Failure) -> Prompt {
        let segments = PromptSegment.split(text)
        let markers = segments.filter { $0 == .image }.count
        guard markers == imageBytes.count else { throw .markerMismatch(markers: markers, images: imageBytes.count) }
        var rows: [[Float]] = []
        if !imageBytes.isEmpty {
            guard let images else { throw .noVisionModel }
            do {
                rows = try images.embed(imageBytes)
            } catch {
                throw .badImage(error.description)
            }
        }
        let width = images?.width ?? 1
        var prompt = Prompt(items: [], images: [])
        var nextImage = 0
        for (i, segment) in segments.enumerated() {
            switch segment {
            case .text(let piece):
                prompt.items += tokenizer.encode(piece, parseSpecial: parseSpecial, addSpecial: i == 0).map(PromptItem.token)
            case .image:
                let flat = rows[nextImage]
                let start = prompt.items.count
                for r in 0..<flat.count / width { prompt.items.append(.embedding(flat[r * width..<(r + 1) * width])) }
                prompt.images.append(ImageSpan(positions: start..<prompt.items.count, key: ImageKey(imageBytes[nextImage])))
                nextImage += 1
            }
        }
        return prompt
    }
}

/// One image in a prompt: the positions its embedding rows take, and its content's key.
public struct ImageSpan: Sendable, Equatable {
    public let positions: Range<Int>
    public let key: ImageKey

    public init(positions: Range<Int>, key: ImageKey) {
        self.positions = positions
        self.key = key
    }
}
