import ControllerKit
import Foundation
import Testing
import TestSupport

/// The front door's read timeout and its cap on connections per client address, over real TCP.
@Suite("HTTP: read timeout and connections per address")
struct HTTPConnectionLimitsTests {
    static let timeout: Duration = .milliseconds(500)
    static let slack: Duration = .seconds(1)

    /// A head sent a byte every 100 ms is never idle, but never whole: the connection is closed at
    /// the read timeout.
    @Test func aHeadTrickledByteByByteIsCutOffAtTheReadTimeout() async throws {
        try await HTTPCluster.with({ $0.httpReadTimeout = Self.timeout }) { cluster in
            let port = cluster.port
            let closedAfter = try await offThePool { () -> Duration? in
                let connection = try LoopbackHTTPSocket(port: port, timeout: .seconds(10))
                let opened = ContinuousClock.now
                let trickle = Thread {
                    for byte in "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ".map(String.init) {
                        connection.send(raw: byte)
                        Thread.sleep(forTimeInterval: 0.1)
                    }
                }
                trickle.start()
                guard connection.readUntilClosed() != nil else { return nil }
                return ContinuousClock.now - opened
            }
            let after = try #require(closedAfter, "the connection stayed open")
            #expect(after >= Self.timeout - .milliseconds(50) && after <= Self.timeout + Self.slack, "closed after \(after)")
        }
    }

    /// The head arrives whole, then a tenth of the body, then nothing: the connection is closed at
    /// the read timeout and the request counted as timed out.
    @Test func aBodyThatStallsIsCutOffAndCounted() async throws {
        try await HTTPCluster.with({ $0.httpReadTimeout = Self.timeout }) { cluster in
            _ = try await cluster.worker("w")
            let port = cluster.port
            let closedAfter = try await offThePool { () -> Duration? in
                let connection = try LoopbackHTTPSocket(port: port, timeout: .seconds(10))
                let opened = ContinuousClock.now
                connection.send(raw: "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 100\r\n\r\n{\"model\":")
                guard connection.readUntilClosed() != nil else { return nil }
                return ContinuousClock.now - opened
            }
            let after = try #require(closedAfter, "the connection stayed open")
            #expect(after >= Self.timeout - .milliseconds(50) && after <= Self.timeout + Self.slack, "closed after \(after)")
            var metrics = ""
            let counted = await eventually {
                metrics = (try? await cluster.get("/metrics").text) ?? ""
                return metrics.contains("loom_requests_total{outcome=\"timeout\"} 1")
            }
            #expect(counted, "\(metrics)")
        }
    }

    /// A keep-alive connection between requests has the read timeout to send its next one, and a
    /// long answer is not cut by it.
    @Test func aSlowAnswerIsNotCutByTheReadTimeout() async throws {
        try await HTTPCluster.with({ $0.httpReadTimeout = Self.timeout }) { cluster in
            _ = try await cluster.worker("w") { $0.tokenInterval = .milliseconds(100) }
            let response = try await cluster.post("/v1/chat/completions", json: chatBody(tokens: 10))
            #expect(response.status == 200, "1 s of tokens: \(response.text)")
        }
    }

    /// With a cap of 2, a third connection from 127.0.0.1 is closed at once; the two open ones
    /// still work, and once one closes a new one is let in.
    @Test func connectionsBeyondTheCapPerAddressAreClosedAndTheOthersServed() async throws {
        try await HTTPCluster.with({ $0.maxConnectionsPerAddress = 2 }) { cluster in
            let port = cluster.port
            let (first, second) = (try LoopbackHTTPSocket(port: port, timeout: .seconds(10)), try LoopbackHTTPSocket(port: port, timeout: .seconds(10)))
            let refusedAfter = try await offThePool { () -> Duration? in
                let extra = try LoopbackHTTPSocket(port: port, timeout: .seconds(10))
                let opened = ContinuousClock.now
                guard extra.readUntilClosed() != nil else { return nil }
                return ContinuousClock.now - opened
            }
            let after = try #require(refusedAfter, "the third connection stayed open")
            #expect(after < Self.slack, "closed after \(after)")
            for connection in [first, second] {
                let answer = try await offThePool { () -> String in
                    connection.send(raw: "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                    return String(decoding: connection.readUntilClosed() ?? [], as: UTF8.self)
                }
                #expect(answer.hasPrefix("HTTP/1.1 503"), "an open connection is served: \(answer)")
                connection.hangUp()
            }
            let again = await eventually {
                (try? await cluster.get("/health"))?.status == 503
            }
            #expect(again, "a new connection is let in once the others closed")
        }
    }
}
