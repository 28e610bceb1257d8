import Engine
import Foundation
import Grammar
import LoomProtocol

/// Turns a wire request into the engine's: the chat template, then the prompt builder's tokenization,
/// and its images from the embedding cache or decoded into pixels. Runs off the compute thread
/// (`ComputeLoop` hands requests to a preparation queue), so a large or bad image costs the others
/// nothing; the vision tower runs later, in the step loop.
struct RequestPreparer: Sendable {
    let modelName: String
    let template: ChatTemplate
    let builder: PromptBuilder
    /// Prompt positions (text tokens and image embeddings) one request may have; `nil`: only the
    /// model's context bounds it.
    let maxPromptTokens: Int?
    /// The model's context: a prompt must leave room for one generated token.
    let contextLength: Int
    /// Rows of the model's logits: a `logit_bias` token must be below it.
    var vocabularySize = Int(Int32.max)
    let grammars: GrammarCache

    struct Failure: Error {
        let code: ErrorCode
        let message: String
    }

    func prepare(_ request: GenerationRequest, id: RequestID) throws(Failure) -> BatchExecutor.Request {
        guard request.model == modelName || request.model.isEmpty else {
            throw Failure(code: .noModel, message: "this worker serves \(modelName), not \(request.model)")
        }
        if let bad = request.sampling.logitBias.first(where: { $0.token < 0 || Int($0.token) >= vocabularySize }) {
            throw Failure(code: .badRequest, message: "logit_bias: token \(bad.token) is not in the model's vocabulary of \(vocabularySize) tokens")
        }
        if request.sampling.promptLogprobs, !request.images.isEmpty {
            throw Failure(code: .badRequest, message: "the prompt's log-probabilities (echo with logprobs) are for text prompts only")
        }
        let text: String, parseSpecial: Bool
        switch request.prompt {
        case .text(let raw):
            (text, parseSpecial) = (raw, false)
        case .chat(let messages):
            // `tool_choice: none` hides the tools, so the model answers in words.
            let tools = request.toolChoice == .none ? [] : request.tools.map(ChatTool.init)
            (text, parseSpecial) = (template.render(messages.map(ChatTurn.init), tools: tools), true)
        }
        let prompt: PromptBuilder.Prompt
        do {
            // Checked from the layout, before any image is decoded.
            prompt = try builder.build(text, parseSpecial: parseSpecial, images: request.images,
                                       positionLimit: min(maxPromptTokens ?? .max, contextLength - 1))
        } catch {
            switch error {
            case .markerMismatch: throw Failure(code: .badRequest, message: error.description)
            case .noVisionModel, .badImage: throw Failure(code: .badImage, message: error.description)
            case .tooLong(let positions, _):
                if let maxPromptTokens, positions > maxPromptTokens {
                    throw Failure(code: .promptTooLong, message: "the prompt has \(positions) positions; this worker takes at most \(maxPromptTokens)")
                }
                throw Failure(code: .promptTooLong, message: "the prompt has \(positions) positions (text and images); the model's context holds \(contextLength), one of them for the answer")
            }
        }
        let grammar = try grammarMatcher(request)
        let deadline = request.deadlineUnixMs > 0 ? Date(timeIntervalSince1970: Double(request.deadlineUnixMs) / 1000) : nil
        return BatchExecutor.Request(id: id, prompt: prompt.items, images: prompt.images, pending: prompt.pending,
                                     sampling: SamplerSettings(request.sampling), stop: StopConditions(request.sampling),
                                     deadline: deadline, grammar: grammar)
    }

    /// The grammar the answer must follow: one call of the tools when the request requires one,
    /// else the request's own (structured output), compiled or taken from the cache.
    private func grammarMatcher(_ request: GenerationRequest) throws(Failure) -> GrammarMatcher? {
        var gbnf = request.sampling.grammar
        if let required = request.toolChoice.requiredTools(of: request.tools) {
            guard !required.isEmpty else {
                throw Failure(code: .badRequest, message: "tool_choice names a function the request's tools do not have")
            }
            do {
                gbnf = try ToolCallGrammar.gbnf(calling: required.map(ChatTool.init), syntax: template.toolCallSyntax)
            } catch {
                throw Failure(code: .badRequest, message: "a tool's parameters: \(error.description)")
            }
        }
        guard let gbnf else { return nil }
        do {
            return GrammarMatcher(try grammars.compiled(gbnf))
        } catch {
            throw Failure(code: .badRequest, message: "grammar: \(error.description)")
        }
    }
}
