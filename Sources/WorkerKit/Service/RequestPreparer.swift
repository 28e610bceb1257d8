import Engine
import Foundation
import LoomProtocol

/// Turns a wire request into the engine's: the chat template, then the prompt builder's tokenization
/// and image splicing.
struct RequestPreparer {
    let modelName: String
    let template: ChatTemplate
    let builder: PromptBuilder
    /// Prompt positions (text tokens and image embeddings) one request may have; `nil`: only the
    /// model's context bounds it.
    let maxPromptTokens: Int?

    struct Failure: Error {
        let code: ErrorCode
        let message: String
    }

    /// - Parameter cachedPositions: the executor's prefix cache lookup: images it covers are not encoded.
    func prepare(_ request: GenerationRequest, id: RequestID,
                 cachedPositions: (([UInt64]) -> Int)? = nil) throws(Failure) -> BatchExecutor.Request {
        guard request.model == modelName || request.model.isEmpty else {
            throw Failure(code: .noModel, message: "this worker serves \(modelName), not \(request.model)")
        }
        let text: String, parseSpecial: Bool
        switch request.prompt {
        case .text(let raw):
            (text, parseSpecial) = (raw, false)
        case .chat(let messages):
            (text, parseSpecial) = (template.render(messages.map(ChatTurn.init)), true)
        }
        let prompt: PromptBuilder.Prompt
        do {
            prompt = try builder.build(text, parseSpecial: parseSpecial, images: request.images, cachedPositions: cachedPositions)
        } catch {
            switch error {
            case .markerMismatch: throw Failure(code: .badRequest, message: error.description)
            case .noVisionModel, .badImage: throw Failure(code: .badImage, message: error.description)
            }
        }
        if let maxPromptTokens, prompt.items.count > maxPromptTokens {
            throw Failure(code: .promptTooLong, message: "the prompt has \(prompt.items.count) positions; this worker takes at most \(maxPromptTokens)")
        }
        let deadline = request.deadlineUnixMs > 0 ? Date(timeIntervalSince1970: Double(request.deadlineUnixMs) / 1000) : nil
        return BatchExecutor.Request(id: id, prompt: prompt.items, images: prompt.images, deferred: prompt.deferred,
                                     sampling: SamplerSettings(request.sampling), stop: StopConditions(request.sampling),
                                     deadline: deadline)
    }
}
