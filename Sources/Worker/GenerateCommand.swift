import ArgumentParser
import Engine
import Foundation
import WorkerKit

struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Generates text for one prompt, without a controller, streaming it to stdout.")

    @Option(help: "Path to the language model GGUF file.") var model: String
    @Option(help: "The prompt text.") var prompt: String
    @Flag(help: "Wrap the prompt as one user turn in the model's chat template.") var chat = false
    @Option(help: "A system message (with --chat).") var system: String?
    @Option(help: "Chat template to use instead of the model's own: chatml, llava, vicuna.") var template: String?
    @Option(help: "Most tokens to generate.") var maxTokens = 256
    @Option(help: "Sampling temperature; 0 is greedy.") var temperature: Float = 0
    @Option(help: "Keep the K most likely tokens (0: all).") var topK = 0
    @Option(help: "Keep the most likely tokens whose probabilities add up to P.") var topP: Float = 1
    @Option(help: "Drop tokens less likely than P times the most likely one.") var minP: Float = 0
    @Option(help: "Repetition penalty (1: none).") var repeatPenalty: Float = 1
    @Option(help: "Seed for sampling; the same seed gives the same text.") var seed: UInt64?
    @Option(help: "Path to the vision projector (mmproj) GGUF file, for --image.") var mmproj: String?
    @Option(help: "An image (JPEG or PNG) for the prompt, repeatable. With --chat each goes before the prompt text; a raw prompt needs one <image> marker per image.")
    var image: [String] = []
    @Option(help: "Stop when this text appears (repeatable).") var stop: [String] = []
    @Option(help: "Compute threads.") var threads = 2
    @Option(help: Arithmetic.help) var arithmetic = Arithmetic.fast
    @Flag(help: "Print one JSON object with prompt tokens, tokens, text and timings instead of streaming.") var json = false

    func run() throws {
        let gguf = try GGUFFile(path: model)
        let tokenizer = try Tokenizer(gguf: gguf)
        let llm = try LlamaModel(gguf: gguf, pool: ComputePool(threads: threads), arithmetic: arithmetic)
        if !image.isEmpty && mmproj == nil { throw ValidationError("--image needs --mmproj") }
        let embedder = try mmproj.map { try ImageEmbedder(mmproj: GGUFFile(path: $0), languageWidth: llm.config.dim, pool: llm.pool) }
        let images = try image.map { path in
            guard let data = FileManager.default.contents(atPath: path) else { throw ValidationError("cannot read image \(path)") }
            return [UInt8](data)
        }
        var text = prompt
        if chat {
            var turns: [ChatTurn] = []
            if let system { turns.append(ChatTurn(role: .system, text: system)) }
            turns.append(ChatTurn(role: .user, content: images.map { _ in .image } + [.text(prompt)]))
            let chosen: ChatTemplate
            if let template {
                chosen = try ChatTemplate(named: template)
            } else {
                let selection = ChatTemplate.forModel(gguf)
                if let warning = selection.warning { FileHandle.standardError.write(Data("loom-worker: \(warning)\n".utf8)) }
                chosen = selection.template
            }
            text = chosen.render(turns)
        }
        let encodeStart = Date()
        var built = try PromptBuilder(tokenizer: tokenizer, images: embedder).build(text, parseSpecial: chat, images: images)
        try embedder?.encodePending(&built)
        let encodeSeconds = images.isEmpty ? 0 : Date().timeIntervalSince(encodeStart)

        var sampling = SamplerSettings()
        sampling.temperature = temperature
        sampling.topK = topK
        sampling.topP = topP
        sampling.minP = minP
        sampling.repetitionPenalty = repeatPenalty
        sampling.seed = seed ?? (temperature > 0 ? nil : 0)
        let request = BatchExecutor.Request(
            id: RequestID(1), prompt: built.items, images: built.images, sampling: sampling,
            stop: StopConditions(maxTokens: maxTokens, stopStrings: stop))

        // The serving loop's executor, with one sequence.
        let executor = try BatchExecutor.forOneSequence(model: llm, tokenizer: tokenizer)
        let completion: BatchExecutor.Completion
        do {
            completion = try executor.run(request) { delta in
                if !json { FileHandle.standardOutput.write(Data(delta.utf8)) }
            }
        } catch {
            throw ValidationError(error.description)
        }
        if json {
            let report = GenerateReport(completion, promptTokens: built.items.compactMap(\.token), imageTokens: built.imagePositions,
                                        imageEncodeSeconds: encodeSeconds)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print()
        }
    }
}

/// `--json` output of `generate`.
struct GenerateReport: Encodable {
    struct Timings: Encodable {
        let prompt_ms: Double
        let prompt_tokens_per_s: Double
        let decode_ms: Double
        let decode_tokens_per_s: Double
    }

    let prompt_tokens: [Int32]
    let image_tokens: Int
    let image_encode_ms: Double
    let tokens: [Int32]
    let text: String
    let finish_reason: String
    let timings: Timings

    /// The prompt's time is the time to the first token; decoding is the rest.
    init(_ c: BatchExecutor.Completion, promptTokens: [Int32], imageTokens: Int, imageEncodeSeconds: Double) {
        prompt_tokens = promptTokens
        image_tokens = imageTokens
        image_encode_ms = imageEncodeSeconds * 1000
        tokens = c.tokens
        text = c.text
        finish_reason = c.finishReason.name
        let promptMs = c.timings.timeToFirstTokenMs
        timings = Timings(
            prompt_ms: promptMs,
            prompt_tokens_per_s: Double(promptTokens.count + imageTokens) / max(promptMs / 1000, 1e-9),
            decode_ms: c.timings.totalMs - promptMs,
            decode_tokens_per_s: c.timings.decodeTokensPerSecond)
    }
}
