import Foundation

/// Prompts from a JSONL file: one `{"prompt": "…", "images": ["a.jpg", …]}` per line, image paths
/// relative to the file. Blank lines are skipped; anything else wrong names its line.
public enum PromptDataset {
    public struct Entry: Sendable, Equatable {
        public var prompt: String
        public var images: [ImageFile]
    }

    private struct Line: Decodable {
        var prompt: String
        var images: [String]?
    }

    public static func load(_ path: String) throws(BenchError) -> [Entry] {
        guard let data = FileManager.default.contents(atPath: path) else { throw BenchError("cannot read prompts file \(path)") }
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        var entries: [Entry] = []
        for (index, text) in String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            guard !text.allSatisfy(\.isWhitespace) else { continue }
            let line: Line
            do {
                line = try JSONDecoder().decode(Line.self, from: Data(text.utf8))
            } catch {
                throw BenchError("\(path) line \(index + 1): expected {\"prompt\": \"…\", \"images\": [paths]}")
            }
            let images = try (line.images ?? []).map { (image: String) throws(BenchError) -> ImageFile in
                let resolved = image.hasPrefix("/") ? image : directory.appendingPathComponent(image).path
                return try ImageFile(path: resolved)
            }
            entries.append(Entry(prompt: line.prompt, images: images))
        }
        guard !entries.isEmpty else { throw BenchError("\(path) holds no prompts") }
        return entries
    }
}
