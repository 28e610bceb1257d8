import Engine
import Foundation
import LoomProtocol

extension BatchExecutor {
    /// An executor for one sequence with the model's whole context, prompts fed in steps of the
    /// model's batch size: what `loom-worker generate` and the reference tests run.
    public static func forOneSequence(model: LlamaModel, tokenizer: Tokenizer) throws -> BatchExecutor {
        let context = model.config.contextLength
        let layout = try KVLayout(model: model.config, budgetBytes: (context + KVLayout.defaultBlockSize) * KVLayout.bytesPerToken(model.config))
        let config = try SchedulerConfig(
            maxRunning: 1, maxBatchTokens: model.maxBatchTokens, prefillChunk: model.maxBatchTokens, kv: layout, contextLength: context)
        return try BatchExecutor(model: model, tokenizer: tokenizer, config: config)
    }

    /// A request's whole output.
    public struct Completion: Sendable {
        public var tokens: [Int32] = []
        public var text = ""
        public var finishReason = FinishReason.cancelled
        public var usage = Usage(promptTokens: 0, imageTokens: 0, completionTokens: 0)
        public var timings = Timings(queueMs: 0, timeToFirstTokenMs: 0, decodeTokensPerSecond: 0, totalMs: 0)
    }

    public enum RunError: Error, CustomStringConvertible {
        case refused(SubmitRefusal)
        case failed(String)

        public var description: String {
            switch self {
            case .refused(let why): why.description
            case .failed(let message): message
            }
        }
    }

    /// Runs `request` to its end beside whatever else is submitted, calling `onText` with each delta.
    public func run(_ request: Request, onText: (String) -> Void = { _ in }) throws(RunError) -> Completion {
        switch submit(request) {
        case .refused(_, let why)?: throw .refused(why)
        case .failed(_, let message)?: throw .failed(message)
        default: break
        }
        var completion = Completion()
        while true {
            for event in step() {
                switch event {
                case .delta(let id, let text, let tokens, _, _) where id == request.id:
                    completion.tokens += tokens
                    completion.text += text
                    if !text.isEmpty { onText(text) }
                case .finished(let id, let reason, let usage, let timings) where id == request.id:
                    completion.finishReason = reason
                    completion.usage = usage
                    completion.timings = timings
                    return completion
                case .failed(let id, let message) where id == request.id:
                    throw .failed(message)
                default:
                    continue
                }
            }
        }
    }
}
