/// One multi-turn conversation as a chat client keeps it: each turn resends the whole history
/// (the system prompt, every earlier user message and answer) followed by the new user message.
/// The images go in the first user message, and so stay in every later turn's history. No I/O:
/// the load generator asks for a turn's request, sends it, and gives back the answer.
public struct Conversation: Sendable, Equatable {
    public let systemPrompt: String?
    /// The user's messages, one per turn.
    public let userMessages: [String]
    /// Shown with the first user message.
    public let images: [ImageFile]
    public let maxTokens: Int
    /// The answers received so far, one per turn answered.
    public private(set) var answers: [String] = []

    public init(systemPrompt: String?, userMessages: [String], images: [ImageFile], maxTokens: Int) {
        self.systemPrompt = systemPrompt
        self.userMessages = userMessages
        self.images = images
        self.maxTokens = maxTokens
    }

    /// The turn the next request is, from 1; `nil` once every turn is answered.
    public var nextTurn: Int? {
        answers.count < userMessages.count ? answers.count + 1 : nil
    }

    /// The next turn's request: the history so far, then the next user message.
    public var nextRequest: BenchRequest? {
        guard nextTurn != nil else { return nil }
        var messages = systemPrompt.map { [BenchMessage.system($0)] } ?? []
        for (turn, answer) in answers.enumerated() {
            messages += [userMessage(turn), .assistant(answer)]
        }
        messages.append(userMessage(answers.count))
        return BenchRequest(messages: messages, maxTokens: maxTokens)
    }

    /// The answer to the next turn arrived (the text as received, resent as history from now on).
    public mutating func answered(_ answer: String) {
        precondition(nextTurn != nil, "every turn is already answered")
        answers.append(answer)
    }

    /// The user's message of `turn` (from 0), with the images if it is the first.
    private func userMessage(_ turn: Int) -> BenchMessage {
        .user(userMessages[turn], images: turn == 0 ? images : [])
    }
}
