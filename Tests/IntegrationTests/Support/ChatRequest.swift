import Foundation

/// A chat completion request body, built the way OpenAI clients send it.
struct ChatRequest: Sendable {
    var model: String
    var text: String
    /// Image files, sent as base64 data URLs before the text.
    var images: [URL] = []
    var maxTokens = 16
    var temperature = 0.0
    /// Generate all `maxTokens` whatever the model says: keeps a stream busy for as long as a test needs.
    var ignoreEOS = false

    func body(stream: Bool) throws -> [UInt8] {
        var parts: [[String: Any]] = try images.map { url in
            let mime = url.pathExtension == "png" ? "image/png" : "image/jpeg"
            let encoded = try Data(contentsOf: url).base64EncodedString()
            return ["type": "image_url", "image_url": ["url": "data:\(mime);base64,\(encoded)"]]
        }
        parts.append(["type": "text", "text": text])
        let object: [String: Any] = [
            "model": model, "stream": stream, "max_tokens": maxTokens, "temperature": temperature, "ignore_eos": ignoreEOS,
            "messages": [["role": "user", "content": parts]],
        ]
        return Array(try JSONSerialization.data(withJSONObject: object))
    }
}
