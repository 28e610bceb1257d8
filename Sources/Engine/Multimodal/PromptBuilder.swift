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
        /// Images left unencoded because a cached prefix covers them: their positions hold empty
        /// rows, to be encoded (`ImageEmbedder.embed`) if they must be computed after all.
        public var deferred: [DeferredImage] = []
        public var imagePositions: Int { images.positionCount }

        /// One `ItemKey` per item: the prefix cache's view of the prompt.
        public var keys: [UInt64] { ItemKey.keys(items, images: images) ?? [] }
    }

    /// - Parameter parseSpecial: whether control tokens written in the text (a chat template's) are parsed.
    /// - Parameter cachedPositions: how many leading positions of a prompt with these item keys are
    ///   in the prefix cache; images wholly inside are not encoded now.
    public func build(_ text: String, parseSpecial: Bool, images imageBytes: [[UInt8]],
                      cachedPositions: (([UInt64]) -> Int)? = nil) throws(Failure) -> Prompt {
        let segments = PromptSegment.split(text)
        let markers = segments.filter { $0 == .image }.count
        guard markers == imageBytes.count else { throw .markerMismatch(markers: markers, images: imageBytes.count) }
        guard imageBytes.isEmpty || images != nil else { throw .noVisionModel }
        // The layout first, with empty rows where images go: their keys are known before their rows.
        var prompt = Prompt(items: [], images: [])
        var nextImage = 0
        for (i, segment) in segments.enumerated() {
            switch segment {
            case .text(let piece):
                prompt.items += tokenizer.encode(piece, parseSpecial: parseSpecial, addSpecial: i == 0).map(PromptItem.token)
            case .image:
                let start = prompt.items.count
                let count = images?.positionsPerImage ?? 0
                prompt.items += repeatElement(.embedding([]), count: count)
                prompt.images.append(ImageSpan(positions: start..<(start + count), key: ImageKey(imageBytes[nextImage])))
                nextImage += 1
            }
        }
        guard let images, !imageBytes.isEmpty else { return prompt }
        let cached = cachedPositions?(prompt.keys) ?? 0
        let needed = prompt.images.indices.filter { prompt.images[$0].positions.upperBound > cached }
        prompt.deferred = prompt.images.indices.filter { !needed.contains($0) }.map {
            DeferredImage(span: prompt.images[$0], bytes: imageBytes[$0])
        }
        let rows: [[Float]]
        do {
            rows = try images.embed(needed.map { imageBytes[$0] }, keys: needed.map { prompt.images[$0].key })
        } catch {
            throw .badImage(ImageEmbedder.Failure(index: needed[error.index], message: error.message).description)
        }
        for (index, flat) in zip(needed, rows) { prompt.items.place(flat, at: prompt.images[index], width: images.width) }
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

/// An image whose rows a prompt does not hold yet: its place, and its file's bytes to encode.
public struct DeferredImage: Sendable, Equatable {
    public let span: ImageSpan
    public let bytes: [UInt8]
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
