import Engine
import LoomProtocol

/// Turns a wire request into the engine's: the chat template, tokenization (the text around each
/// `<image>` marker tokenized on its own) and image embeddings spliced in at the markers.
struct RequestPreparer {
    let modelName: String
    let tokenizer: Tokenizer
    let template: ChatTemplate
    let images: ImageEmbedder?

    struct Failure: Error {
        let code: ErrorCode
        let message: String
    }

    func prepare(_ request: GenerationRequest, id: RequestID) throws(Failure) -> BatchEngine.Request {
        guard request.model == modelName || request.model.isEmpty else {
            throw Failure(code: .noModel, message: "this worker serves \(modelName), not \(request.model)")
        }
        let text: String
        let parseSpecial: Bool
        switch request.prompt {
        case .text(let raw):
            text = raw
            parseSpecial = false
        case .chat(let messages):
            text = template.render(messages.map(Engine.ChatMessage.init))
            parseSpecial = true
        }
        let segments = PromptSegment.split(text)
        let markers = segments.filter { $0 == .image }.count
        guard markers == request.images.count else {
            throw Failure(code: .badRequest, message: "the prompt has \(markers) image markers but \(request.images.count) images came with it")
        }
        var rows: [[Float]] = []
        if !request.images.isEmpty {
            guard let images else { throw Failure(code: .badImage, message: "\(modelName) on this worker reads no images") }
            do {
                rows = try images.embed(request.images)
            } catch {
                throw Failure(code: .badImage, message: error.description)
            }
        }
        var items: [PromptItem] = []
        var nextImage = 0
        var first = true
        for segment in segments {
            switch segment {
            case .text(let piece):
                items += tokenizer.encode(piece, parseSpecial: parseSpecial, addSpecial: first).map(PromptItem.token)
            case .image:
                let flat = rows[nextImage]
                let width = images?.width ?? 1
                for r in 0..<(flat.count / width) { items.append(.embedding(flat[r * width..<(r + 1) * width])) }
                nextImage += 1
            }
            first = false
        }
        let deadline = request.deadlineUnixMs > 0 ? Date(timeIntervalSince1970: Double(request.deadlineUnixMs) / 1000) : nil
        return BatchEngine.Request(id: id, prompt: items, imagePositions: rows.reduce(0) { $0 + $1.count / max(images?.width ?? 1, 1) },
                                   parameters: Engine.SamplingParameters(request.sampling), deadline: deadline)
    }
}

import Foundation
