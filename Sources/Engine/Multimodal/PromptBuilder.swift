/// Turns prompt text with `<image>` markers and the images for them into decoder input: the text
/// between markers tokenized piece by piece (as llama.cpp's LLaVA path does), each marker replaced by
/// that image's embedding rows — from the embedding cache, or left empty with the image's pixels
/// pending, for the vision tower to encode (`ImageEmbedder.encodePending`, or a worker's step loop).
/// Touches no tower, so it runs on any thread.
public struct PromptBuilder: Sendable {
    public let tokenizer: Tokenizer
    public let images: ImageInput?

    public init(tokenizer: Tokenizer, images: ImageInput?) {
        self.tokenizer = tokenizer
        self.images = images
    }

    public init(tokenizer: Tokenizer, images: ImageEmbedder?) {
        self.init(tokenizer: tokenizer, images: images?.input)
    }

    public enum Failure: Error, Equatable, CustomStringConvertible {
        case markerMismatch(markers: Int, images: Int)
        case noVisionModel
        case badImage(String)
        case tooLong(positions: Int, limit: Int)

        public var description: String {
            switch self {
            case .markerMismatch(let markers, let images):
                "the prompt has \(markers) image marker\(markers == 1 ? "" : "s") (\(ChatTemplate.imageMarker)) but \(images) image\(images == 1 ? "" : "s") came with it"
            case .noVisionModel: "this model reads no images (no vision projector is loaded)"
            case .badImage(let message): message
            case .tooLong(let positions, let limit): "the prompt takes \(positions) positions (text and images); at most \(limit) fit"
            }
        }
    }

    public struct Prompt: Sendable {
        public var items: [PromptItem]
        /// Where each image's rows are, and whose they are.
        public var images: [ImageSpan]
        /// Images not in the embedding cache: their positions hold empty rows until encoded.
        public var pending: [PendingImage] = []
        public var imagePositions: Int { images.positionCount }

        /// One `ItemKey` per item: the prefix cache's view of the prompt.
        public var keys: [UInt64] { ItemKey.keys(items, images: images) ?? [] }
    }

    /// - Parameter parseSpecial: whether control tokens written in the text (a chat template's) are parsed.
    /// - Parameter positionLimit: the most positions the prompt may take: a longer one is refused
    ///   (`tooLong`) from its layout, before any image is decoded.
    public func build(_ text: String, parseSpecial: Bool, images imageBytes: [[UInt8]], positionLimit: Int? = nil) throws(Failure) -> Prompt {
        let segments = PromptSegment.split(text)
        let markers = segments.filter { $0 == .image }.count
        guard markers == imageBytes.count else { throw .markerMismatch(markers: markers, images: imageBytes.count) }
        guard imageBytes.isEmpty || images != nil else { throw .noVisionModel }
        // The layout first, with empty rows where images go: their keys are known before their rows.
        var prompt = Prompt(items: [], images: [])
        for (i, segment) in segments.enumerated() {
            switch segment {
            case .text(let piece):
                prompt.items += tokenizer.encode(piece, parseSpecial: parseSpecial, addSpecial: i == 0).map(PromptItem.token)
            case .image:
                guard let images else { throw .noVisionModel }
                let start = prompt.items.count
                prompt.images.append(ImageSpan(positions: start..<(start + images.positionsPerImage), key: ImageKey(imageBytes[prompt.images.count])))
                prompt.items += repeatElement(.embedding([]), count: images.positionsPerImage)
            }
        }
        if let positionLimit, prompt.items.count > positionLimit {
            throw .tooLong(positions: prompt.items.count, limit: positionLimit)
        }
        guard let images else { return prompt }
        for (index, span) in prompt.images.enumerated() {
            do {
                switch try images.prepare(imageBytes[index], key: span.key) {
                case .rows(let rows): prompt.items.place(rows, at: span, width: images.width)
                case .pixels(let pixels): prompt.pending.append(PendingImage(span: span, pixels: pixels))
                }
            } catch {
                throw .badImage(ImageEmbedder.Failure(index: index, message: error.description).description)
            }
        }
        return prompt
    }
}

extension [PromptItem] {
    /// Puts an image's encoded rows (`positions × width` floats) at its positions.
    public mutating func place(_ flat: [Float], at image: ImageSpan, width: Int) {
        for (r, position) in image.positions.enumerated() {
            self[position] = .embedding(flat[r * width..<(r + 1) * width])
        }
    }
}

/// An image whose rows a prompt does not hold yet: its place, and its pixels for the tower.
public struct PendingImage: Sendable, Equatable {
    public let span: ImageSpan
    public let pixels: [Float]

    public init(span: ImageSpan, pixels: [Float]) {
        self.span = span
        self.pixels = pixels
    }
}

extension [ImageSpan] {
    /// Prompt positions all these images take.
    public var positionCount: Int { reduce(0) { $0 + $1.positions.count } }
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
