import LoomProtocol
import Testing

@Suite struct RoundTripTests {
    @Test(arguments: Samples.workerMessages())
    func workerMessageRoundTrips(_ message: WorkerMessage) throws {
        #expect(try WorkerMessage.decode(message.encode()) == message)
    }

    @Test(arguments: Samples.clientMessages())
    func clientMessageRoundTrips(_ message: ClientMessage) throws {
        #expect(try ClientMessage.decode(message.encode()) == message)
    }

    @Test func requestWithEightMebibyteImagesRoundTripsOnBothSides() throws {
        let request = Samples.chatRequest(imageBytes: 8 << 20)
        let workerFrames = WorkerMessage.request(request).encode()
        #expect(workerFrames.count == 5)
        #expect(workerFrames[3] == request.images[0])
        #expect(workerFrames[3].count == 8 << 20)
        #expect(try WorkerMessage.decode(workerFrames) == .request(request))
        #expect(try ClientMessage.decode(ClientMessage.request(request).encode()) == .request(request))
    }

    @Test func framesHaveSignatureCommandAndHeader() {
        let frames = WorkerMessage.partial(Samples.partial).encode()
        #expect(frames.count == 3)
        #expect(frames[0] == Array("LOOMW1".utf8))
        #expect(frames[1] == [0x03])
        #expect(ClientMessage.status.encode() == [Array("LOOMC1".utf8), [0x09], []])
    }

    @Test func sharedCommandsHaveTheSameHeaderOnBothSides() {
        let pairs: [(WorkerMessage, ClientMessage)] = [
            (.request(Samples.textRequest), .request(Samples.textRequest)),
            (.partial(Samples.partial), .partial(Samples.partial)),
            (.final(Samples.final), .final(Samples.final)),
            (.error(Samples.error), .error(Samples.error)),
            (.cancel(requestId: "x"), .cancel(requestId: "x")),
        ]
        for (worker, client) in pairs {
            #expect(Array(worker.encode().dropFirst()) == Array(client.encode().dropFirst()))
        }
    }

    /// The header layout of docs/protocol.md section 4.4, byte by byte.
    @Test func partialHeaderMatchesTheSpec() {
        let partial = Partial(requestId: "ab", completionTokens: 300, tokens: [5, -1], text: "é")
        let header = WorkerMessage.partial(partial).encode()[2]
        let expected: [UInt8] = [
            2, 0x61, 0x62,  // request_id
            0xAC, 0x02,  // completion_tokens 300
            2, 5, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F,  // tokens: 5, then -1 as the uint 2^32 - 1
            2, 0xC3, 0xA9,  // text
            0,  // logprobs: none asked
            0,  // prompt_logprobs: none asked
        ]
        #expect(header == expected)
    }

    /// PARTIAL's log-probabilities (section 4.4), byte by byte: the entries after the text.
    @Test func partialLogprobsMatchTheSpec() throws {
        let partial = Partial(
            requestId: "ab", completionTokens: 1, tokens: [7], text: "",
            logprobs: [TokenLogprob(bytes: [0xC3], logprob: -0.5, top: [.init(bytes: [0x61], logprob: -2)])])
        let header = WorkerMessage.partial(partial).encode()[2]
        let expected: [UInt8] = [
            2, 0x61, 0x62, 1, 1, 7, 0,  // request_id, completion_tokens, tokens, text
            1,  // one entry
            1, 0xC3,  // bytes: a lone lead byte
            0x00, 0x00, 0x00, 0xBF,  // logprob -0.5
            1, 1, 0x61, 0x00, 0x00, 0x00, 0xC0,  // top: "a", -2
            0,  // prompt_logprobs: none
        ]
        #expect(header == expected)
        #expect(try WorkerMessage.decode(WorkerMessage.partial(partial).encode()) == .partial(partial))
    }

    /// Log-probabilities for some of a PARTIAL's tokens, or a top list over the limit, are refused.
    @Test func partialLogprobsMustMatchTheTokens() {
        var partial = Partial(
            requestId: "ab", completionTokens: 2, tokens: [7, 8], text: "",
            logprobs: [TokenLogprob(bytes: [0x61], logprob: -0.5)])
        #expect(throws: WireError.self) { try WorkerMessage.decode(WorkerMessage.partial(partial).encode()) }
        partial.tokens = [7]
        partial.logprobs[0].top = Array(repeating: .init(bytes: [0x61], logprob: -1), count: 21)
        #expect(throws: WireError.self) { try WorkerMessage.decode(WorkerMessage.partial(partial).encode()) }
    }

    @Test func errorCodesKeepTheirWireValuesAndNames() {
        let table: [(ErrorCode, UInt8, String)] = [
            (.noModel, 0, "no_model"), (.noLiveWorker, 1, "no_live_worker"), (.overloaded, 2, "overloaded"),
            (.badImage, 3, "bad_image"), (.promptTooLong, 4, "prompt_too_long"), (.workerLost, 5, "worker_lost"),
            (.timeout, 6, "timeout"), (.badRequest, 7, "bad_request"), (.cancelled, 8, "cancelled"),
            (.unauthorized, 9, "unauthorized"), (.internal, 10, "internal"),
        ]
        #expect(table.count == ErrorCode.allCases.count)
        for (code, value, name) in table {
            #expect(code.rawValue == value)
            #expect(code.name == name)
            #expect(ErrorCode(name: name) == code)
        }
        #expect(ErrorCode(name: "noModel") == nil)
    }
}
