import ArgumentParser
import Engine
import Foundation

struct BenchEngineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-engine",
        abstract: "Measures prompt processing and batched decode speed of the model alone (use a release build).")

    @Option(help: "Path to the language model GGUF file.") var model: String
    @Option(help: "Compute threads.") var threads = 2
    @Option(help: Arithmetic.help) var arithmetic = Arithmetic.fast
    @Option(help: "Prompt length for the prompt-processing figure.") var promptTokens = 512
    @Option(help: "Decode steps per batch size.") var steps = 32
    @Option(parsing: .upToNextOption, help: "Batch sizes to measure.") var batch: [Int] = [1, 2, 4, 8, 16, 32]
    @Option(help: "Give every decode sequence KV room for this many tokens and write all of it first, so that peak memory includes full contexts.")
    var context: Int?
    @Option(help: "A vision projector (mmproj) GGUF file: also measure image encoding.") var mmproj: String?
    @Option(parsing: .upToNextOption, help: "Images per batch to measure with --mmproj.") var imageBatch: [Int] = [1, 4, 8]
    @Option(help: "Timed encodes per image batch size with --mmproj.") var imageRepetitions = 5
    @Flag(help: "Print one JSON object instead of a table.") var json = false

    func run() throws {
        let pool = ComputePool(threads: threads)
        let llm = try LlamaModel(gguf: GGUFFile(path: model), pool: pool, maxBatchTokens: 512, maxLogitRows: max(batch.max() ?? 1, 1),
                                 arithmetic: arithmetic)
        let longest = max(promptTokens + steps, context ?? 0)
        guard longest <= llm.config.contextLength else {
            throw ValidationError("--prompt-tokens plus --steps (or --context) is \(longest) positions; the model's context is \(llm.config.contextLength)")
        }
        var bench = ModelBenchmark(model: llm)
        bench.promptLength = promptTokens
        bench.decodeSteps = steps
        bench.batchSizes = batch
        bench.contextTokens = context
        let progress: (String) -> Void = { if !json { FileHandle.standardError.write(Data("… \($0)\n".utf8)) } }
        let report = try bench.run(progress: progress)
        let vision = try mmproj.map { path in
            var bench = try VisionBenchmark(encoder: VisionEncoder(path: path, pool: pool))
            bench.batchSizes = imageBatch
            bench.repetitions = imageRepetitions
            return try bench.run(progress: progress)
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            let images = vision?.figures.map { ImageFigure(batch: $0.batch, ms_per_image: $0.millisecondsPerImage) }
            print(String(decoding: try encoder.encode(JSONReport(engine: report, image_encode: images)), as: UTF8.self))
            return
        }
        print("prompt processing (\(promptTokens) tokens): \(String(format: "%.1f", report.promptTokensPerSecond)) tokens/s")
        print("batch   aggregate tok/s   per-sequence tok/s")
        for f in report.decode {
            print(String(format: "%5d   %15.1f   %18.1f", f.batch, f.tokensPerSecond, f.perSequenceTokensPerSecond))
        }
        if let vision {
            print(String(format: "vision weights: %.1f MiB in memory (%@)", Double(vision.weightBytes) / 1_048_576, vision.weightTypes))
            print("images per batch   ms per image (median)     best   processor ms per image")
            for f in vision.figures {
                print(String(format: "%16d   %21.1f   %6.1f   %22.1f", f.batch, f.millisecondsPerImage, f.bestMillisecondsPerImage,
                             f.cpuMillisecondsPerImage))
            }
        }
        print(String(format: "peak resident memory: %.1f MiB", Double(max(report.peakRSSBytes, vision?.peakRSSBytes ?? 0)) / 1_048_576))
    }

    struct ImageFigure: Encodable {
        let batch: Int
        let ms_per_image: Double
    }

    /// The engine report's fields, plus `image_encode` with --mmproj.
    struct JSONReport: Encodable {
        let engine: ModelBenchmark.Report
        let image_encode: [ImageFigure]?

        func encode(to encoder: any Encoder) throws {
            try engine.encode(to: encoder)
            var container = encoder.container(keyedBy: Key.self)
            try container.encodeIfPresent(image_encode, forKey: .image_encode)
        }

        enum Key: String, CodingKey { case image_encode }
    }
}
