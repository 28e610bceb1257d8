import Foundation
import Testing
import TestSupport
import Engine

/// Prints the vision tower's speed on the ViT-B/16-shaped benchmark mmproj files, F32 and F16, with each
/// available GEMM. Not a timed assertion: it runs only with LOOM_BENCH=1, in a release build:
///     scripts/make-vit-mmproj.py && scripts/make-vit-mmproj.py --type f16
///     LOOM_BENCH=1 swift test -c release --filter VisionBenchmark
/// Files: $LOOM_VIT_MMPROJ (comma-separated), else ~/.cache/loom/bench/vit-b16-mmproj-{f32,f16}.gguf.
struct VisionBenchmarkTests {
    static let enabled = ProcessInfo.processInfo.environment["LOOM_BENCH"] == "1"

    static var files: [String] {
        if let list = ProcessInfo.processInfo.environment["LOOM_VIT_MMPROJ"] {
            return list.split(separator: ",").map(String.init)
        }
        let dir = FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/loom/bench")
        return ["f32", "f16"].map { dir.appendingPathComponent("vit-b16-mmproj-\($0).gguf").path }
    }

    @Test(.enabled(if: enabled), .requires(files.map { .file($0, "scripts/make-vit-mmproj.py writes it") }))
    func visionBenchmark() throws {
        for path in Self.files {
            for gemm in VisionGEMM.allCases where gemm.isAvailable {
                let loadStart = Date()
                let encoder = try VisionEncoder(path: path, pool: ComputePool(threads: 2), maxBatch: 8, gemm: gemm)
                let loadSeconds = Date().timeIntervalSince(loadStart)
                let report = try VisionBenchmark(encoder: encoder).run()
                #expect(report.figures.count == 3)
                let figures = report.figures.map {
                    String(format: "batch %d: %.1f ms/image (best %.1f, cpu %.1f)", $0.batch, $0.millisecondsPerImage,
                           $0.bestMillisecondsPerImage, $0.cpuMillisecondsPerImage)
                }
                print("\(URL(fileURLWithPath: path).lastPathComponent) \(gemm), \(report.threads) threads, "
                      + String(format: "loaded in %.2f s: ", loadSeconds) + figures.joined(separator: ", "))
            }
        }
    }
}
