import ClientKit
import ClusterSupport
import Testing

@Suite("The HTTP/1.1 client")
struct HTTPExchangeTests {
    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test func aChunkedBodyIsReadAsItComes() throws {
        let server = try ScriptedServer(writes: [
            Self.bytes("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: text/event-stream\r\n\r\n"),
            Self.bytes("7\r\ndata: 1\r\n"), Self.bytes("7\r\ndata: 2\r\n"), Self.bytes("0\r\n\r\n"),
        ])
        let exchange = try HTTPExchange(host: "127.0.0.1", port: server.port, request: .get("/events"), timeout: .seconds(5))
        #expect(exchange.head.status == 200 && exchange.head.headers["content-type"] == "text/event-stream")
        var pieces: [String] = []
        while let piece = try exchange.nextBodyBytes() { pieces.append(String(decoding: piece, as: UTF8.self)) }
        #expect(pieces.joined() == "data: 1data: 2")
    }

    @Test func aBodyOfKnownLengthOrUntilClose() throws {
        let sized = try ScriptedServer(writes: [Self.bytes("HTTP/1.1 404 Not Found\r\nContent-Length: 5\r\n\r\nhello")])
        let response = try HTTPResponse.fetch(.get("/x"), host: "127.0.0.1", port: sized.port, timeout: .seconds(5))
        #expect(response.status == 404 && response.body == Self.bytes("hello"))
        let unsized = try ScriptedServer(writes: [Self.bytes("HTTP/1.1 200 OK\r\n\r\nuntil "), Self.bytes("close")])
        let whole = try HTTPResponse.fetch(.get("/y"), host: "127.0.0.1", port: unsized.port, timeout: .seconds(5))
        #expect(whole.body == Self.bytes("until close"))
    }

    @Test func failuresHaveKinds() throws {
        let refusing = try RefusingPort()
        #expect(throws: HTTPClientError.refused) {
            try HTTPResponse.fetch(.get("/"), host: "127.0.0.1", port: refusing.port, timeout: .seconds(5))
        }
        let short = try ScriptedServer(writes: [Self.bytes("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc")])
        #expect(throws: HTTPClientError.closedEarly) {
            try HTTPResponse.fetch(.get("/"), host: "127.0.0.1", port: short.port, timeout: .seconds(5))
        }
        let silent = try ScriptedServer(writes: [], hold: .seconds(3))
        #expect(throws: HTTPClientError.timedOut) {
            try HTTPResponse.fetch(.get("/"), host: "127.0.0.1", port: silent.port, timeout: .milliseconds(200))
        }
        let garbage = try ScriptedServer(writes: [Self.bytes("SSH-2.0-OpenSSH\r\n\r\n")])
        #expect(throws: HTTPClientError.malformed("bad status line 'SSH-2.0-OpenSSH'")) {
            try HTTPResponse.fetch(.get("/"), host: "127.0.0.1", port: garbage.port, timeout: .seconds(5))
        }
        #expect(HTTPClientError.refused.kind == "connection_refused" && HTTPClientError.timedOut.kind == "timeout")
    }

    @Test func chunksDecodeWhereverTheBytesBreak() throws {
        let encoded = Self.bytes("4;ext=1\r\nWiki\r\n5\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n0\r\nTrailer: x\r\n\r\nextra")
        for cut in 0...encoded.count {
            var decoder = ChunkedDecoder()
            let body = try decoder.feed(encoded[..<cut]) + decoder.feed(encoded[cut...])
            #expect(String(decoding: body, as: UTF8.self) == "Wikipedia in\r\n\r\nchunks.", "cut at \(cut)")
            #expect(decoder.isFinished)
        }
        var bad = ChunkedDecoder()
        #expect(throws: HTTPClientError.malformed("bad chunk size 'zz'")) { try bad.feed(Self.bytes("zz\r\n")) }
    }

    @Test func requestsAreWrittenForTheHost() throws {
        let server = try ScriptedServer(writes: [Self.bytes("HTTP/1.1 204 No Content\r\n\r\n")])
        let response = try HTTPResponse.fetch(
            .postJSON("/v1/chat/completions", Self.bytes("{}")), host: "127.0.0.1", port: server.port, timeout: .seconds(5))
        #expect(response.status == 204 && response.body.isEmpty)
    }
}
