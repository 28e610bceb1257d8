/// A rendered prompt cut at its image markers: the text pieces are tokenized one by one and each
/// image's embeddings go between them (llama.cpp's templated LLaVA mode).
public enum PromptSegment: Sendable, Equatable {
    case text(String)
    case image

    /// `prompt` split at every `ChatTemplate.imageMarker`; empty text pieces are left out. Matching is
    /// on UTF-8 bytes, so a marker followed by a combining mark still counts.
    public static func split(_ prompt: String, marker: String = ChatTemplate.imageMarker) -> [PromptSegment] {
        let bytes = Array(prompt.utf8), needle = Array(marker.utf8)
        var segments: [PromptSegment] = []
        func addText(_ range: Range<Int>) {
            if !range.isEmpty { segments.append(.text(String(decoding: bytes[range], as: UTF8.self))) }
        }
        var textStart = 0, i = 0
        while !needle.isEmpty, i + needle.count <= bytes.count {
            if bytes[i..<(i + needle.count)].elementsEqual(needle) {
                addText(textStart..<i)
                segments.append(.image)
                i += needle.count
                textStart = i
            } else {
                i += 1
            }
        }
        addText(textStart..<bytes.count)
        return segments
    }
}
