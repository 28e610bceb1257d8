import ArgumentParser
import Engine
import Foundation
import Grammar

struct BenchGrammarCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-grammar",
        abstract: "Measures grammar compilation and per-step token-mask time over a walk of the grammar (use a release build).")

    @Option(help: "GGUF file whose tokenizer gives the vocabulary (default: SmolLM2-135M-Instruct).") var model: String?
    @Option(help: "GBNF grammar file (default: any JSON object, the grammar of response_format json_object).") var grammar: String?
    @Option(help: "Root rule of the grammar.") var root = "root"
    @Option(help: "A JSON Schema file, compiled to the grammar instead (as response_format json_schema is).") var schema: String?
    @Option(help: "Steps of the walk: fill the mask, accept a random allowed token.") var steps = 2000
    @Option(help: "Seed of the walk.") var seed: UInt64 = 42
    @Option(help: "Probability that a step picks among allowed tokens holding JSON punctuation (0: uniform).")
    var structureBias = 0.25

    func run() throws {
        guard let path = model ?? DefaultModel.path else {
            throw ValidationError("no --model, and \(DefaultModel.fileName) is not in \(DefaultModel.directory)")
        }
        let vocabulary = try Tokenizer(gguf: GGUFFile(path: path)).grammarVocabulary()
        let text = try schema.map { try JSONSchemaGrammar.gbnf(schema: String(contentsOfFile: $0, encoding: .utf8)) }
            ?? grammar.map { try String(contentsOfFile: $0, encoding: .utf8) } ?? JSONSchemaGrammar.anyObjectGBNF
        var bench = GrammarBenchmark(grammar: try Grammar(gbnf: text, root: root), vocabulary: vocabulary)
        bench.steps = steps
        bench.seed = seed
        bench.structureBias = structureBias
        let r = bench.run()
        print("vocabulary: \(vocabulary.count) tokens; grammar: \(schema ?? grammar ?? "any JSON object"); structure bias \(structureBias)")
        print(String(format: "compile: %.3f s; mask cache: %d positions (%d masks), %.1f MiB", r.compileSeconds,
                     r.cachedPositions, r.distinctMasks, Double(r.cacheBytes) / 1_048_576))
        print(String(format: "fillMask over %d steps: mean %.1f µs, p50 %.1f µs, p99 %.1f µs, max %.1f µs",
                     r.steps, r.meanMicroseconds, r.p50Microseconds, r.p99Microseconds, r.maxMicroseconds))
        print(String(format: "accept: mean %.1f µs; mask density: %.2f%% of the vocabulary; restarts: %d",
                     r.acceptMeanMicroseconds, r.meanDensity * 100, r.restarts))
    }
}
