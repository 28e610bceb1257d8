import Engine
import Foundation
import LoomProtocol

/// Turns a wire request into the engine's: the chat template, then the prompt builder's tokenization
/// and image splicing.
struct RequestPreparer {
    let modelName: String
    let template: ChatTemplate
    let builder: PromptBuilder

    struct Failure: Error {
        let code: ErrorCode
        let message: String
    }

    func prepare(_ request: GenerationRequest, id: RequestID) throws(Failure) -> BatchEngine.Request {
        guard request.model == modelName || request.model.isEmpty else {
            throw Failure(code: .noModel, message: "this worker serves \(modelName), not \(request.model)")
        }
        let text: String, parseSpecial: Bool
        switch request.prompt {
        case .text(let raw):
            (text, parseSpecial) = (raw, false)
        case .chat(let messages):
            (text, parseSpecial) = (template.render(messages.map(Engine.ChatMessage.init)), true)
        }
        let prompt: PromptBuilder.Prompt
        do {
            prompt = try builder.build(text, parseSpecial: parseSpecial, images: request.images)
        } catch {
            switch error {
            case .markerMismatch: throw Failure(code: .badRequest, message: error.description)
            case .noVisionModel, .badImage: throw Failure(code: .badImage, message: error.description)
            }
        }
        let deadline = request.deadlineUnixMs > 0 ? Date(timeIntervalSince1970: Double(request.deadlineUnixMs) / 1000) : nil
        return BatchEngine.Request(id: id, prompt: prompt.items, imagePositions: prompt.imagePositions,
                                   parameters: Engine.SamplingParameters(request.sampling), deadline: deadline)
    }
}
