import ArgumentParser
import Engine
import Foundation

struct BenchEngine: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-engine",
        abstract: "Measures prompt processing and batched decode speed of the model alone (use a release build).")

    @Option(help: "Path to the language model GGUF file.") var model: String
    @Option(help: "Compute threads.") var threads = 2
    @Option(help: "Prompt length for the prompt-processing figure.") var promptTokens = 512
    @Option(help: "Decode steps per batch size.") var steps = 32
    @Option(parsing: .upToNextOption, help: "Batch sizes to measure.") var batch: [Int] = [1, 2, 4, 8, 16, 32]
    @Flag(help: "Print one JSON object instead of a table.") var json = false

    func run() throws {
        let pool = ComputePool(threads: threads)
        let llm = try LlamaModel(gguf: GGUFFile(path: model), pool: pool, maxBatchTokens: 512, maxLogitRows: max(batch.max() ?? 1, 1))
        var bench = EngineBenchmark(model: llm)
        bench.promptLength = promptTokens
        bench.decodeSteps = steps
        bench.batchSizes = batch
        let report = bench.run { if !json { FileHandle.standardError.write(Data("… \($0)\n".utf8)) } }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
            return
        }
        print("prompt processing (\(promptTokens) tokens): \(String(format: "%.1f", report.promptTokensPerSecond)) tokens/s")
        print("batch   aggregate tok/s   per-sequence tok/s")
        for f in report.decode {
            print(String(format: "%5d   %15.1f   %18.1f", f.batch, f.tokensPerSecond, f.perSequenceTokensPerSecond))
        }
        print(String(format: "peak resident memory: %.1f MiB", Double(report.peakRSSBytes) / 1_048_576))
    }
}
