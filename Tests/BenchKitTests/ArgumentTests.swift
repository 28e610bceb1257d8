@testable import BenchKit
import ClientKit
import Testing

@Suite("Checking the options")
struct ArgumentTests {
    static func arguments(_ change: (inout BenchArguments) -> Void) -> BenchArguments {
        var arguments = BenchArguments()
        arguments.url = "http://127.0.0.1:8080"
        arguments.concurrency = 2
        arguments.requests = 10
        change(&arguments)
        return arguments
    }

    static func problem(_ change: (inout BenchArguments) -> Void) -> String? {
        do {
            _ = try arguments(change).configuration()
            return nil
        } catch {
            return error.description
        }
    }

    @Test func aCompleteSetIsAccepted() throws {
        let configuration = try Self.arguments { _ in }.configuration()
        #expect(configuration.load == .closed(concurrency: 2))
        #expect(configuration.stop == .requests(10))
        #expect(configuration.prompts == .synthetic(inputTokens: 128))
        let open = try Self.arguments {
            $0.concurrency = nil
            $0.rate = 2.5
            $0.burstiness = 0.5
            $0.requests = nil
            $0.duration = 1.5
        }.configuration()
        #expect(open.load == .open(rate: 2.5, burstiness: 0.5))
        #expect(open.stop == .duration(.milliseconds(1500)))
    }

    @Test func conversationsSetTheirOwnLengthAndLoad() throws {
        func conversations(_ change: (inout BenchArguments) -> Void) throws -> BenchConfiguration {
            try Self.arguments {
                $0.concurrency = nil
                $0.requests = nil
                $0.conversations = 8
                change(&$0)
            }.configuration()
        }
        // All at once and four turns unless told.
        let plain = try conversations { _ in }
        #expect(plain.load == .conversations(count: 8, turns: 4, concurrency: 8))
        #expect(plain.stop == .requests(32))
        #expect(plain.systemPromptTokens == nil)
        let bounded = try conversations {
            $0.turns = 3
            $0.concurrency = 2
            $0.systemPromptTokens = 1000
            $0.inputTokens = 50
        }
        #expect(bounded.load == .conversations(count: 8, turns: 3, concurrency: 2))
        #expect(bounded.stop == .requests(24))
        #expect(bounded.systemPromptTokens == 1000 && bounded.prompts == .synthetic(inputTokens: 50))
        // Never more streams than conversations.
        #expect(try conversations { $0.concurrency = 20 }.load == .conversations(count: 8, turns: 4, concurrency: 8))
        #expect(plain.thinkTime == .zero)
        #expect(try conversations { $0.thinkTime = 2.5 }.thinkTime == .milliseconds(2500))
        // A shared system prompt goes with the ordinary loads too.
        #expect(try Self.arguments { $0.systemPromptTokens = 256 }.configuration().systemPromptTokens == 256)
    }

    @Test func conversationMistakesAreOneLineThatNamesTheOption() {
        func conversations(_ change: @escaping (inout BenchArguments) -> Void) -> (inout BenchArguments) -> Void {
            {
                $0.concurrency = nil
                $0.requests = nil
                $0.conversations = 4
                change(&$0)
            }
        }
        let cases: [(String, (inout BenchArguments) -> Void)] = [
            ("--turns must be between 1 and 1000", conversations { $0.turns = 0 }),
            ("--turns must be between 1 and 1000", conversations { $0.turns = -3 }),
            ("--turns must be between 1 and 1000", conversations { $0.turns = 1001 }),
            ("--conversations must be between 1 and 1000000", conversations { $0.conversations = 0 }),
            ("--turns goes with --conversations", { $0.turns = 3 }),
            ("--conversations and --turns set the run's length; they do not go with --requests or --duration",
             conversations { $0.requests = 10 }),
            ("--conversations and --turns set the run's length", conversations { $0.duration = 5 }),
            ("--conversations runs a closed loop (--concurrency bounds it); it does not go with --rate", conversations { $0.rate = 2 }),
            ("--conversations runs a closed loop", conversations { $0.burstiness = 2 }),
            ("--conversations sends synthetic user turns; it does not go with --prompts", conversations { $0.prompts = "p.jsonl" }),
            ("--concurrency must be between 1 and 100000", conversations { $0.concurrency = 0 }),
            ("--system-prompt-tokens must be between 1 and 1000000", { $0.systemPromptTokens = 0 }),
            ("--system-prompt-tokens must be between 1 and 1000000", conversations { $0.systemPromptTokens = -1 }),
            ("--think-time goes with --conversations", { $0.thinkTime = 1 }),
            ("--think-time must be between 0 and 3600 seconds", conversations { $0.thinkTime = -1 }),
            ("--think-time must be between 0 and 3600 seconds", conversations { $0.thinkTime = .nan }),
        ]
        for (expected, change) in cases {
            let problem = Self.problem(change)
            #expect(problem?.hasPrefix(expected) == true, "\(expected): got \(problem ?? "no error")")
            #expect(problem?.contains("\n") == false)
        }
    }

    @Test func onlyLoopbackUnlessAllowed() throws {
        for host in ["127.0.0.1", "127.8.9.10", "localhost", "[::1]"] {
            #expect(Self.problem { $0.url = "http://\(host):8080" } == nil, "\(host)")
        }
        for host in ["10.0.0.1", "192.168.1.4", "example.com", "128.0.0.1", "[::2]"] {
            #expect(Self.problem { $0.url = "http://\(host):8080" }?.hasPrefix("refusing to load") == true, "\(host)")
            #expect(Self.problem {
                $0.url = "http://\(host):8080"
                $0.allowRemote = true
            } == nil)
        }
        #expect(Self.problem {
            $0.url = nil
            $0.controller = "tcp://10.0.0.1:5559"
        }?.hasPrefix("refusing to load 10.0.0.1") == true)
    }

    @Test func eachMistakeIsOneLineThatNamesTheOption() {
        let cases: [(String, (inout BenchArguments) -> Void)] = [
            ("give --url or --controller, not both", { $0.controller = "tcp://127.0.0.1:5559" }),
            ("give the controller with --url", { $0.url = nil }),
            ("give --concurrency or --rate, not both", { $0.rate = 1 }),
            ("choose the load", { $0.concurrency = nil }),
            ("--burstiness shapes --rate arrivals", { $0.burstiness = 2 }),
            ("--concurrency must be between 1 and 100000", { $0.concurrency = 0 }),
            ("--rate must be a positive number", {
                $0.concurrency = nil
                $0.rate = -1
            }),
            ("give --requests or --duration, not both", { $0.duration = 3 }),
            ("say when to stop", { $0.requests = nil }),
            ("--requests must be at least 1", { $0.requests = 0 }),
            ("--prompts and --synthetic/--input-tokens exclude each other", {
                $0.prompts = "p.jsonl"
                $0.inputTokens = 5
            }),
            ("--max-tokens must be at least 1", { $0.maxTokens = 0 }),
            ("--url takes http://HOST:PORT", { $0.url = "127.0.0.1:8080" }),
            ("--url: 'http://127.0.0.1:99999' needs a port", { $0.url = "http://127.0.0.1:99999" }),
            ("--controller: 'tcp://*:5559' needs a host", {
                $0.url = nil
                $0.controller = "tcp://*:5559"
            }),
        ]
        for (expected, change) in cases {
            let problem = Self.problem(change)
            #expect(problem?.hasPrefix(expected) == true, "\(expected): got \(problem ?? "no error")")
            #expect(problem?.contains("\n") == false)
        }
    }
}
