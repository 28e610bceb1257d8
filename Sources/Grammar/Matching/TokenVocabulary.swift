/// The byte string of every token id (id = index), and which ids end generation.
///
/// Tokens with no bytes (control tokens) are never allowed by a grammar; end tokens are allowed
/// exactly when the grammar can end, whatever their bytes.
public final class TokenVocabulary: Sendable {
    public let count: Int
    let endTokens: Set<Int32>
    /// Token `i`'s bytes are `bytes[offsets[i]..<offsets[i + 1]]`.
    private let bytes: [UInt8]
    private let offsets: [Int32]
    /// The tokens a grammar may allow by their bytes (not empty, not end), sorted by bytes.
    let trie: ByteTrie

    public init(tokens: [[UInt8]], endTokens: Set<Int32>) {
        count = tokens.count
        self.endTokens = endTokens
        var bytes: [UInt8] = []
        var offsets: [Int32] = [0]
        for token in tokens {
            bytes += token
            offsets.append(Int32(bytes.count))
        }
        self.bytes = bytes
        self.offsets = offsets
        let ids = tokens.indices.filter { !tokens[$0].isEmpty && !endTokens.contains(Int32($0)) }
            .sorted { tokens[$0].lexicographicallyPrecedes(tokens[$1]) }
        trie = ByteTrie(sorted: ids.map { (tokens[$0][...], Int32($0)) })
    }

    func bytes(of token: Int32) -> ArraySlice<UInt8> {
        bytes[Int(offsets[Int(token)])..<Int(offsets[Int(token) + 1])]
    }

    func isEnd(_ token: Int32) -> Bool { endTokens.contains(token) }

    /// 32-bit words in a mask over this vocabulary.
    var maskWords: Int { (count + 31) / 32 }
}
