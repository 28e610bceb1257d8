/// One position of a prompt: a token, or an embedding row (an image position).
public enum PromptItem: Sendable, Equatable {
    case token(Int32)
    case embedding(ArraySlice<Float>)

    public var token: Int32? {
        if case .token(let t) = self { return t }
        return nil
    }
}
