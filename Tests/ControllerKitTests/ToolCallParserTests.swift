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
