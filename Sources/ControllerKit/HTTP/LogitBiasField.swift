import LoomProtocol

/// `logit_bias`: OpenAI's map from a token id, written as a string of digits, to a bias between −100
/// and 100. Read in token order, so the same body always makes the same wire request.
struct LogitBiasField: Decodable {
    let entries: [LogitBias]

    private struct TokenKey: CodingKey {
        let stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    init(from decoder: any Decoder) throws {
        let container: KeyedDecodingContainer<TokenKey>
        do {
            container = try decoder.container(keyedBy: TokenKey.self)
        } catch {
            throw InvalidField(decoder.codingPath, "must be an object from token ids to biases between -100 and 100")
        }
        guard container.allKeys.count <= WireLimits.default.maxLogitBiases else {
            throw InvalidField(decoder.codingPath, "may hold at most \(WireLimits.default.maxLogitBiases) tokens")
        }
        var entries: [LogitBias] = []
        for key in container.allKeys {
            guard !key.stringValue.isEmpty, key.stringValue.utf8.allSatisfy({ (0x30...0x39).contains($0) }),
                let token = Int32(key.stringValue)
            else {
                throw InvalidField(decoder.codingPath, "keys must be token ids (integers from 0 to \(Int32.max)); '\(key.stringValue.prefix(40))' is not one")
            }
            let range = Double(LogitBias.range.lowerBound)...Double(LogitBias.range.upperBound)
            // Present with a number by now: `decodeNumber` gives nil only for null.
            guard let bias = try container.decodeNumber(forKey: key, in: range) else {
                throw InvalidField(decoder.codingPath + [key], "must be a number between -100 and 100")
            }
            entries.append(LogitBias(token: token, bias: Float(bias)))
        }
        self.entries = entries.sorted { $0.token < $1.token }
    }
}
