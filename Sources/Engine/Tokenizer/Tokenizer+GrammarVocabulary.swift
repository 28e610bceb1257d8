import Grammar

extension Tokenizer {
    /// The vocabulary a grammar masks: each text token's bytes as decoded, control (and other hidden)
    /// tokens empty so no grammar allows them, and the end-of-generation tokens as end tokens.
    public func grammarVocabulary() -> TokenVocabulary {
        TokenVocabulary(tokens: (0..<Int32(vocabularySize)).map { tokenBytes($0) }, endTokens: endOfGeneration)
    }
}
