import AsyncHTTPClient
import ClientKit
import ClusterSupport
import NIOCore
import Testing

/// The HTTP client as loom-bench and loom-top set it up, against scripted servers on loopback.
@Suite("The controller's HTTP client")
struct HTTPClientTests {
    static func bytes(_ text: String) -> [UInt8] { ScriptedServer.bytes(text) }

    /// What loom-bench times depends on this: each piece of a streamed body is handed over when it
    /// arrives, not when the body ends.
    @Test func aStreamedBodyIsHandedOverAsItArrives() async throws {
        let server = try ScriptedServer(
            writes: [
                Self.bytes("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: text/event-stream\r\n\r\n"),
                Self.bytes("7\r\ndata: 1\r\n"), Self.bytes("7\r\ndata: 2\r\n"), Self.bytes("0\r\n\r\n"),
            ],
            gap: .milliseconds(300))
        let pieces = try await ControllerHTTPClient.with(connectTimeout: .seconds(5)) { client in
            let response = try await client.execute(HTTPClientRequest(url: "http://127.0.0.1:\(server.port)/events"), timeout: .seconds(5))
            #expect(response.status == .ok && response.headers["content-type"] == ["text/event-stream"])
            var pieces: [(String, ContinuousClock.Instant)] = []
            for try await piece in response.body { pieces.append((String(buffer: piece), .now)) }
            return pieces
        }
        #expect(pieces.map(\.0).joined() == "data: 1data: 2")
        let first = try #require(pieces.first?.1), last = try #require(pieces.last?.1)
        // The server waits 300 ms between the two chunks (and before the end).
        #expect(first.duration(to: last) >= .milliseconds(200), "\(pieces)")
    }

    @Test func aWholeBodyOfKnownLengthOrUntilClose() async throws {
        let sized = try ScriptedServer(writes: [Self.bytes("HTTP/1.1 404 Not Found\r\nContent-Length: 5\r\n\r\nhello")])
        let unsized = try ScriptedServer(writes: [Self.bytes("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil "), Self.bytes("close")])
        let (notFound, whole) = try await ControllerHTTPClient.with(connectTimeout: .seconds(5)) { client async throws(HTTPFailure) in
            (
                try await client.fetch("http://127.0.0.1:\(sized.port)/x", timeout: .seconds(5)),
                try await client.fetch("http://127.0.0.1:\(unsized.port)/y", timeout: .seconds(5))
            )
        }
        #expect(notFound == FetchedResponse(status: 404, body: Self.bytes("hello")))
        #expect(whole == FetchedResponse(status: 200, body: Self.bytes("until close")))
        #expect(sized.request.hasPrefix("GET /x HTTP/1.1\r\n"))
    }

    @Test func aPostNamesItsHostAndContent() async throws {
        let server = try ScriptedServer(writes: [Self.bytes("HTTP/1.1 204 No Content\r\n\r\n")])
        let request = try HTTPClient.Request(
            url: ControllerAddress.http(host: "127.0.0.1", port: server.port).url("/v1/chat/completions"), method: .POST,
            headers: ["Content-Type": "application/json"], body: .bytes(Self.bytes("{}")))
        let response = try await ControllerHTTPClient.with(connectTimeout: .seconds(5)) { client async throws(HTTPFailure) in
            try await client.fetch(request, timeout: .seconds(5))
        }
        #expect(response == FetchedResponse(status: 204, body: []))
        let head = server.request.lowercased()
        #expect(head.hasPrefix("post /v1/chat/completions http/1.1\r\n"), "\(server.request)")
        #expect(head.contains("\r\nhost: 127.0.0.1:\(server.port)\r\n") && head.contains("\r\ncontent-type: application/json\r\n"))
    }

    /// Each failure has its kind, and none waits longer than the timeout asked.
    @Test func failuresHaveKindsAndNeverHang() async throws {
        let refusing = try RefusingPort()
        let short = try ScriptedServer(writes: [Self.bytes("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc")])
        let silent = try ScriptedServer(writes: [], hold: .seconds(3))
        let silentMidBody = try ScriptedServer(writes: [Self.bytes("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc")], hold: .seconds(3))
        let garbage = try ScriptedServer(writes: [Self.bytes("SSH-2.0-OpenSSH\r\n\r\n")])
        let large = try ScriptedServer(writes: [Self.bytes("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n" + String(repeating: "x", count: 100))])
        let failures = await ControllerHTTPClient.with(connectTimeout: .seconds(5)) { client in
            var failures: [String: (HTTPFailure?, Duration)] = [:]
            for (name, port, timeout, limit) in [
                ("refused", refusing.port, Duration.seconds(5), 1 << 20), ("short", short.port, .seconds(5), 1 << 20),
                ("silent", silent.port, .milliseconds(300), 1 << 20), ("silentMidBody", silentMidBody.port, .milliseconds(300), 1 << 20),
                ("garbage", garbage.port, .seconds(5), 1 << 20), ("large", large.port, .seconds(5), 10),
            ] {
                let start = ContinuousClock.now
                do throws(HTTPFailure) {
                    _ = try await client.fetch("http://127.0.0.1:\(port)/", timeout: timeout, limit: limit)
                    failures[name] = (nil, start.duration(to: .now))
                } catch {
                    failures[name] = (error, start.duration(to: .now))
                }
            }
            return failures
        }
        #expect(failures["refused"]?.0 == .refused)
        #expect(failures["refused"]?.0?.description == "connection refused")
        #expect(failures["short"]?.0 == .closedEarly, "\(String(describing: failures["short"]))")
        for name in ["silent", "silentMidBody"] {
            #expect(failures[name]?.0 == HTTPFailure.timedOut(.milliseconds(300)), "\(name): \(String(describing: failures[name]))")
            #expect((failures[name]?.1 ?? .zero) < .seconds(2), "\(name) took \(String(describing: failures[name]?.1))")
        }
        #expect(failures["garbage"]?.0?.kind == "bad_response", "\(String(describing: failures["garbage"]))")
        #expect(failures["large"]?.0 == .malformed("the body is larger than 10 bytes"), "\(String(describing: failures["large"]))")
    }

    @Test func blockingWaitGivesTheTasksResultOrError() throws {
        #expect(try blockingWait { () async throws(HTTPFailure) in 42 } == 42)
        #expect(throws: HTTPFailure.refused) { try blockingWait { () async throws(HTTPFailure) -> Int in throw .refused } }
    }
}
