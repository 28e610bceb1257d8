import Engine
import Logging
import LoomProtocol
import Testing
import TestSupport
import WorkerKit

/// `--max-prompt-tokens`: a worker refuses a longer prompt with prompt_too_long and serves on.
@Suite(.serialized, .requires(.smolLM2))
struct PromptLimitTests {
    @Test func aPromptOverTheLimitIsRefusedAndShorterOnesServed() throws {
        let controller = try WorkerDriver()
        var options = try WorkerServiceTests.options(controller.endpoint)
        options.maxPromptTokens = 24
        let service = try WorkerService(options: options, logger: Logger(label: "test"))
        defer { service.stop() }
        #expect(try controller.waitForRegistration() != nil)

        try controller.send(.request(WorkerServiceTests.chat("long", String(repeating: "word ", count: 40), maxTokens: 4)))
        try controller.send(.request(WorkerServiceTests.chat("short", "Hi", maxTokens: 4)))
        var errors: [String: RequestError] = [:]
        var finals: Set<String> = []
        _ = try controller.pump(for: .seconds(30)) { message, _ in
            if case .error(let e) = message { errors[e.requestId] = e }
            if case .final(let f) = message { finals.insert(f.requestId) }
            return errors.count + finals.count == 2
        }
        #expect(errors["long"]?.code == .promptTooLong)
        #expect(errors["long"]?.message.contains("at most 24") == true)
        #expect(finals == ["short"])
    }
}
