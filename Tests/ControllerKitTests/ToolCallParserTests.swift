@testable import ControllerKit
import Testing

struct ToolCallParserTests {
    private func parser() -> ToolCallParser { ToolCallParser(toolNames: ["get_weather", "add"]) }

    /// Feeds `pieces` one by one, then finishes: every output, in order, each call's random id
    /// checked and replaced by `call_1`, `call_2`… for comparison.
    private func run(_ pieces: [String], _ parser: inout ToolCallParser) -> [ToolCallParser.Output] {
        var calls = 0
        return (pieces.flatMap { parser.feed($0) } + parser.finish()).map { output in
            guard case .call(var call) = output else { return output }
            #expect(call.id.hasPrefix("call_") && call.id.count == 29)
            calls += 1
            call.id = "call_\(calls)"
            return .call(call)
        }
    }

    private func characters(_ text: String) -> [String] { text.map(String.init) }

    @Test func hermesBlockAfterTextStreamedACharacterAtATime() {
        var p = parser()
        let answer = "Let me check.\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\", \"days\": 2}}\n</tool_call>"
        let outputs = run(characters(answer), &p)
        let content = outputs.compactMap { if case .content(let t) = $0 { t } else { nil } }.joined()
        #expect(content == "Let me check.\n")
        #expect(outputs.last == .call(.init(id: "call_1", name: "get_weather", arguments: "{\"city\": \"Paris\", \"days\": 2}")))
        #expect(p.callCount == 1)
    }

    @Test func textThatOnlyLooksLikeATagStartIsGivenOutOnceItCannotBe() {
        var p = parser()
        #expect(p.feed("a <tool") == [.content("a ")])
        #expect(p.feed("s are fine") == [.content("<tools are fine")])
        #expect(p.finish() == [])
    }

    @Test func aListOfCallsInOneBlockAndStringifiedArguments() {
        var p = parser()
        let answer = "<tool_call>[{\"name\": \"add\", \"arguments\": \"{\\\"a\\\": 1}\"}, {\"name\": \"get_weather\", \"arguments\": {}}]</tool_call>"
        #expect(run([answer], &p) == [
            .call(.init(id: "call_1", name: "add", arguments: "{\"a\": 1}")),
            .call(.init(id: "call_2", name: "get_weather", arguments: "{}")),
        ])
    }

    @Test func llama3BareJSONAnswerIsACall() {
        var p = parser()
        let outputs = run(["  {\"name\": \"add\", ", "\"parameters\": {\"a\": 1, \"b\": [2]}}"], &p)
        #expect(outputs == [.call(.init(id: "call_1", name: "add", arguments: "{\"a\": 1, \"b\": [2]}"))])
    }

    @Test func jsonThatIsNotACallStaysContent() {
        var p = parser()
        #expect(run(["{\"answer\": 42}"], &p) == [.content("{\"answer\": 42}")])
        var q = parser()
        #expect(run(["{\"name\": \"unknown\", \"arguments\": {}}"], &q) == [.content("{\"name\": \"unknown\", \"arguments\": {}}")])
    }

    @Test func unknownToolOrBrokenBlockStaysContentWithItsTags() {
        var p = parser()
        let broken = "<tool_call>{\"name\": \"add\", \"arguments\": {\"a\": }</tool_call> done"
        let outputs = run([broken], &p)
        #expect(outputs.compactMap { if case .content(let t) = $0 { t } else { nil } }.joined() == broken)
        #expect(p.callCount == 0)
    }

    @Test func aBlockCutShortIsACallOnlyWhenWhole() {
        var p = parser()
        #expect(run(["<tool_call>{\"name\": \"add\", \"arguments\": {\"a\": 1}}"], &p)
            == [.call(.init(id: "call_1", name: "add", arguments: "{\"a\": 1}"))])
        var q = parser()
        #expect(run(["<tool_call>{\"name\": \"add\", \"argu"], &q) == [.content("<tool_call>{\"name\": \"add\", \"argu</tool_call>")])
    }
}

/// Streaming: a call's start as soon as its name has come, then its arguments as they are written.
struct IncrementalToolCallTests {
    /// Feeds `answer` a character at a time: the outputs, with argument pieces joined per call.
    private func stream(_ answer: String) -> (content: String, calls: [(name: String, arguments: String)], startedAt: [Int]) {
        var parser = ToolCallParser(toolNames: ["get_weather", "add"], incremental: true)
        var content = "", calls: [(name: String, arguments: String)] = [], startedAt: [Int] = []
        var fed = 0
        func take(_ outputs: [ToolCallParser.Output]) {
            for output in outputs {
                switch output {
                case .content(let text): content += text
                case .callStart(let id, let name):
                    #expect(id.hasPrefix("call_"))
                    calls.append((name, ""))
                    startedAt.append(fed)
                case .callArguments(let piece): calls[calls.count - 1].arguments += piece
                case .call(let call): calls.append((call.name, call.arguments))
                }
            }
        }
        for character in answer {
            fed += 1
            take(parser.feed(String(character)))
        }
        take(parser.finish())
        return (content, calls, startedAt)
    }

    @Test func hermesCallsStreamTheirArgumentsAsTheyCome() {
        let header = "Checking.\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": "
        let answer = header + "{\"city\": \"Paris \\\"}\", \"days\": [1, {\"x\": 2}]}}\n</tool_call>\n<tool_call>\n{\"name\": \"add\", \"arguments\": {\"a\": 1}}\n</tool_call>"
        let run = stream(answer)
        #expect(run.content == "Checking.\n\n")
        #expect(run.calls.map(\.name) == ["get_weather", "add"])
        #expect(run.calls.map(\.arguments) == ["{\"city\": \"Paris \\\"}\", \"days\": [1, {\"x\": 2}]}", "{\"a\": 1}"])
        #expect(run.startedAt.first == header.count + 1, "the call starts when its arguments' first brace comes")
    }

    @Test func llama3BareCallStreamsAndOtherShapesAreReadWhole() {
        let bare = stream("{\"name\": \"add\", \"parameters\": {\"a\": 1, \"b\": 2}}")
        #expect(bare.calls.map(\.name) == ["add"] && bare.calls.first?.arguments == "{\"a\": 1, \"b\": 2}" && bare.content.isEmpty)
        let list = stream("<tool_call>[{\"name\": \"add\", \"arguments\": {\"a\": 1}}]</tool_call>")
        #expect(list.calls.map(\.name) == ["add"] && list.calls.first?.arguments == "{\"a\": 1}")
        let unknown = stream("<tool_call>{\"name\": \"rm_rf\", \"arguments\": {}}</tool_call>")
        #expect(unknown.calls.isEmpty && unknown.content == "<tool_call>{\"name\": \"rm_rf\", \"arguments\": {}}</tool_call>")
        let answer = stream("{\"answer\": 42}")
        #expect(answer.calls.isEmpty && answer.content == "{\"answer\": 42}")
    }
}
