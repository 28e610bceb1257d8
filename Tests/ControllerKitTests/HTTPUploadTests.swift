import ControllerKit
import Foundation
import Testing
import TestSupport

/// Clients that send a request only in part: they go away mid-upload, or stall.
@Suite("HTTP: partial uploads")
struct HTTPUploadTests {
    /// The head and half the body arrive, then the client closes: the request is counted.
    @Test func aClientThatLeavesMidUploadIsCounted() async throws {
        try await HTTPCluster.with { cluster in
            _ = try await cluster.worker("w")
            let port = cluster.port
            try await offThePool {
                let connection = try LoopbackHTTPSocket(port: port, timeout: .seconds(10))
                connection.send(raw: "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 400\r\n\r\n{\"model\":\"test-model\",\"messages\":[")
                Thread.sleep(forTimeInterval: 0.2)
                connection.hangUp()
            }
            var metrics = ""
            let counted = await eventually {
                metrics = (try? await cluster.get("/metrics").text) ?? ""
                return metrics.contains("loom_requests_total{outcome=\"cancelled\"} 1")
            }
            #expect(counted, "\(metrics)")
        }
    }
}
