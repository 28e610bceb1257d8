@testable import BenchKit
import LoomProtocol
import Synchronization
import Testing

@Suite("Conversations")
struct ConversationTests {
    static let image = ImageFile(bytes: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 7])!

    static func configuration(
        systemPromptTokens: Int? = nil, images: [String] = [], seed: UInt64 = 1, inputTokens: Int = 12
    ) -> BenchConfiguration {
        BenchConfiguration(
            target: .http(host: "127.0.0.1", port: 8080), load: .conversations(count: 3, turns: 3, concurrency: 3),
            stop: .requests(9), prompts: .synthetic(inputTokens: inputTokens), images: images,
            systemPromptTokens: systemPromptTokens, maxTokens: 5, seed: seed)
    }

    @Test func eachTurnResendsTheWholeHistoryInOrder() throws {
        var conversation = Conversation(
            systemPrompt: "be brief", userMessages: ["one", "two", "three"], images: [Self.image], maxTokens: 5)
        #expect(conversation.nextTurn == 1)
        #expect(conversation.nextRequest == BenchRequest(
            messages: [.system("be brief"), .user("one", images: [Self.image])], maxTokens: 5))

        conversation.answered("first answer")
        #expect(conversation.nextTurn == 2)
        #expect(conversation.nextRequest?.messages == [
            .system("be brief"), .user("one", images: [Self.image]), .assistant("first answer"), .user("two"),
        ])

        conversation.answered("second answer")
        let third = try #require(conversation.nextRequest)
        #expect(third.messages == [
            .system("be brief"), .user("one", images: [Self.image]), .assistant("first answer"), .user("two"),
            .assistant("second answer"), .user("three"),
        ])
        // The image is in turn 1's message alone, and so sent once per request.
        #expect(third.images == [Self.image])
        #expect(third.messages.filter { !$0.images.isEmpty }.map(\.text) == ["one"])
        #expect(third.prompt == "three" && third.maxTokens == 5)

        conversation.answered("third answer")
        #expect(conversation.nextTurn == nil && conversation.nextRequest == nil)
        #expect(conversation.answers == ["first answer", "second answer", "third answer"])
    }

    @Test func withoutASystemPromptTheHistoryStartsWithTheUser() {
        var conversation = Conversation(systemPrompt: nil, userMessages: ["a", "b"], images: [], maxTokens: 1)
        conversation.answered("x")
        #expect(conversation.nextRequest?.messages == [.user("a"), .assistant("x"), .user("b")])
    }

    @Test func theSourceGivesEveryConversationAndTurnItsOwnWordsAndOneSystemPrompt() throws {
        let source = try RequestSource(Self.configuration(systemPromptTokens: 40))
        let systemPrompt = try #require(source.systemPrompt)
        #expect(systemPrompt.split(separator: " ").count == 40)
        let conversations = (0..<4).map { source.conversation($0, turns: 3) }
        // One system prompt for every conversation and for single requests.
        #expect(conversations.allSatisfy { $0.systemPrompt == systemPrompt })
        #expect(source.request(0).messages.first == .system(systemPrompt))
        // User turns differ across conversations and turns, and are about --input-tokens long.
        let userMessages = conversations.flatMap(\.userMessages)
        #expect(userMessages.count == 12 && Set(userMessages).count == 12)
        #expect(userMessages.allSatisfy { $0.split(separator: " ").count == 12 })
        #expect(!userMessages.contains(systemPrompt))
        // Reproducible from the seed; another seed, other words.
        let again = try RequestSource(Self.configuration(systemPromptTokens: 40))
        #expect(again.conversation(2, turns: 3) == conversations[2])
        let otherSeed = try RequestSource(Self.configuration(systemPromptTokens: 40, seed: 2))
        #expect(otherSeed.conversation(2, turns: 3).userMessages != conversations[2].userMessages)
        #expect(otherSeed.systemPrompt != systemPrompt)
    }

    @Test func theWarmUpKeepsTheSystemPromptButNotTheUsersWords() throws {
        let source = try RequestSource(Self.configuration(systemPromptTokens: 8))
        let warmUp = source.forWarmUp()
        #expect(warmUp.systemPrompt == source.systemPrompt)
        let measured = Set((0..<20).map { source.request($0).prompt })
        let warming = Set((0..<20).map { warmUp.request($0).prompt })
        #expect(measured.isDisjoint(with: warming))
    }

    /// Runs conversations through `client`, whose answers name the request they answer.
    static func run(_ client: some GenerationClient, count: Int, turns: Int, concurrency: Int) async throws -> LoadGenerator.Run {
        let source = try RequestSource(Self.configuration(systemPromptTokens: 4))
        return await LoadGenerator(
            load: .conversations(count: count, turns: turns, concurrency: concurrency), stop: .requests(count * turns), seed: 0
        ).run(client: client, model: "m", source: source)
    }

    @Test(.timeLimit(.minutes(1)))
    func theLoadGeneratorSendsEachTurnAfterTheLastAnswerWithIt() async throws {
        let client = HistoryClient(gate: 3)
        let run = try await Self.run(client, count: 5, turns: 3, concurrency: 3)
        #expect(run.records.count == 15)
        #expect(run.recordsByTurn.map(\.count) == [5, 5, 5])
        #expect(run.peakConcurrency == 3)
        let requests = client.requests
        #expect(requests.count == 15)
        for request in requests where request.messages.count > 2 {
            // The request before it in its conversation: the history without the last answer and message.
            let earlier = Array(request.messages.dropLast(2))
            #expect(request.messages[request.messages.count - 2] == .assistant(HistoryClient.answer(to: earlier)))
            #expect(requests.contains { $0.messages == earlier }, "no earlier turn for \(request.prompt)")
        }
        // Five conversations, each with one first turn: system prompt then a single user message.
        #expect(requests.filter { $0.messages.count == 2 }.count == 5)
        #expect(Set(requests.map { $0.messages[0].text }).count == 1 && requests.allSatisfy { $0.messages[0].role == .system })
    }

    @Test(.timeLimit(.minutes(1)))
    func aFailedTurnEndsItsConversation() async throws {
        let client = HistoryClient(gate: 1, failTurn: 2)
        let run = try await Self.run(client, count: 4, turns: 3, concurrency: 2)
        // Turn 1 answered, turn 2 failed, turn 3 never sent.
        #expect(run.recordsByTurn.map(\.count) == [4, 4])
        #expect(run.recordsByTurn[1].allSatisfy { $0.timing == nil })
        #expect(run.records.count == 8)
    }
}

/// Answers every request at once with text that names it ("answer to …" its messages), after
/// holding the first `gate` requests until all of them are in flight (so the concurrency is
/// reached whatever the timing). Fails every request of turn `failTurn`.
final class HistoryClient: GenerationClient {
    private let gate: RequestGate
    private let failTurn: Int?

    init(gate: Int, failTurn: Int? = nil) {
        self.gate = RequestGate(count: gate)
        self.failTurn = failTurn
    }

    var requests: [BenchRequest] { gate.sent }

    static func answer(to messages: [BenchMessage]) -> String {
        "answer to " + messages.map(\.text).joined(separator: "|").suffix(40)
    }

    func generate(_ request: BenchRequest, model: String) async -> RequestRecord {
        await gate.pass(request)
        let turn = request.messages.filter { $0.role == .user }.count
        if turn == failTurn { return .failure(kind: "worker_lost", message: "turn \(turn)") }
        return .success(RequestTiming(
            timeToFirstToken: .milliseconds(turn), interTokenLatencies: [], latency: .milliseconds(2 * turn), inputTokens: 10 * turn,
            outputTokens: 1, cachedTokens: 0, answer: Self.answer(to: request.messages)))
    }
}
