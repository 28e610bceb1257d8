import Foundation

/// Reads a request body into its type, or says in a sentence what is wrong with it and where:
/// the byte that is not UTF-8, the JSON syntax error, or the field (`max_tokens must be…`,
/// `field 'messages[0].role': expected a string`). Never a Swift type's or error's own text.
enum RequestBodyDecoder {
    static func decode<Body: Decodable>(_: Body.Type, from bytes: [UInt8]) throws(APIError) -> Body {
        // The fast check first (the standard library's validator); the byte only when it fails.
        if String(validating: bytes, as: UTF8.self) == nil {
            let offset = JSONSyntax.invalidUTF8Offset(in: bytes) ?? 0
            throw APIError(.badRequest, "the body is not valid UTF-8 at byte \(offset)")
        }
        do {
            let decoder = JSONDecoder()
            decoder.userInfo[RawJSONSpans.bodyKey] = bytes
            return try decoder.decode(Body.self, from: Data(bytes))
        } catch {
            // Broken text or syntax anywhere outranks a field's complaint: a field read with a
            // fallback (a string, else a list) would otherwise blame its type for a bad escape.
            if let problem = JSONSyntax.problem(in: bytes) { throw APIError(.badRequest, problem) }
            switch error {
            case let error as InvalidField:
                throw APIError(.badRequest, error.message, param: error.field)
            case let error as DecodingError:
                let sentence = error.sentence
                throw APIError(.badRequest, sentence.message, param: sentence.field)
            default:
                // JSONDecoder's own errors (a number no Swift type holds) where no field caught them.
                throw APIError(.badRequest, "the body could not be read as a request")
            }
        }
    }
}
