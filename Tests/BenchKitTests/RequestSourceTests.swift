@testable import BenchKit
import ClusterSupport
import Foundation
import Testing
import TestSupport

@Suite("Prompts and images")
struct RequestSourceTests {
    static func configuration(prompts: BenchConfiguration.Prompts, images: [String] = [], seed: UInt64 = 1) -> BenchConfiguration {
        BenchConfiguration(
            target: .http(host: "127.0.0.1", port: 8080), load: .closed(concurrency: 1), stop: .requests(1),
            prompts: prompts, images: images, maxTokens: 7, seed: seed)
    }

    @Test func syntheticPromptsAreReproducibleAndDistinct() throws {
        let source = try RequestSource(Self.configuration(prompts: .synthetic(inputTokens: 50)))
        let again = try RequestSource(Self.configuration(prompts: .synthetic(inputTokens: 50)))
        #expect(source.request(3) == again.request(3))
        #expect(source.request(3).prompt != source.request(4).prompt)
        #expect(source.request(0).prompt.split(separator: " ").count == 50)
        #expect(source.request(0).maxTokens == 7)
        let otherSeed = try RequestSource(Self.configuration(prompts: .synthetic(inputTokens: 50), seed: 2))
        #expect(otherSeed.request(3).prompt != source.request(3).prompt)
    }

    @Test(.requires(.sharedFixtures)) func aDatasetGivesItsPromptsAndImages() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("loom-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.copyItem(at: Executables.tinyImage, to: directory.appendingPathComponent("cat.png"))
        let file = directory.appendingPathComponent("prompts.jsonl")
        try """
            {"prompt": "describe it", "images": ["cat.png"]}

            {"prompt": "just text"}
            """.write(to: file, atomically: true, encoding: .utf8)
        let source = try RequestSource(Self.configuration(prompts: .file(file.path), images: [Executables.tinyImage.path]))
        let requests = (0..<4).map(source.request)
        #expect(Set(requests.map(\.prompt)) == ["describe it", "just text"])
        let described = try #require(requests.first { $0.prompt == "describe it" })
        #expect(described.images.count == 2 && described.images.allSatisfy { $0.mimeType == "image/png" })
        #expect(requests.first { $0.prompt == "just text" }?.images.count == 1)
    }

    @Test func badFilesAreNamedWithTheirLine() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("loom-bench-\(UUID().uuidString).jsonl")
        defer { try? FileManager.default.removeItem(at: file) }
        try "{\"prompt\": \"ok\"}\n{\"text\": \"no prompt\"}\n".write(to: file, atomically: true, encoding: .utf8)
        #expect(throws: BenchError("\(file.path) line 2: expected {\"prompt\": \"…\", \"images\": [paths]}")) {
            try RequestSource(Self.configuration(prompts: .file(file.path)))
        }
        #expect(throws: BenchError("\(file.path) is not a JPEG or PNG image")) {
            try RequestSource(Self.configuration(prompts: .synthetic(inputTokens: 1), images: [file.path]))
        }
    }

    @Test func eventsAreSplitWhereverTheBytesBreak() {
        let stream = "data: {\"a\":1}\n\ndata: first\ndata: second\r\n\r\n: comment\n\ndata: [DONE]\n\n"
        let bytes = Array(stream.utf8)
        for cut in 0...bytes.count {
            var events = ServerSentEvents()
            let found = events.feed(Array(bytes[..<cut])) + events.feed(Array(bytes[cut...]))
            #expect(found == ["{\"a\":1}", "first\nsecond", "[DONE]"], "cut at \(cut)")
        }
    }
}
