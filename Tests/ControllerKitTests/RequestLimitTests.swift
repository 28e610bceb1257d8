import ControllerKit
import LoomProtocol
import Testing

@Suite struct RequestLimitTests {
    @Test func maxTokensOverTheLimitIsRefusedBeforeDispatch() {
        var harness = RelayHarness { $0.maxTokensLimit = 100 }
        harness.ready("a")
        harness.request("at-limit", tokens: 100)
        harness.request("over", tokens: 101)
        let sent = harness.take()
        #expect(sent.dispatched.map(\.id).count == 1)
        #expect(sent.toClients.map(\.errorCode) == [.badRequest])
        #expect(harness.outcomes == ["bad_request": 1])
    }
}
