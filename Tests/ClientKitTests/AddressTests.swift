import ClientKit
import ClusterSupport
import LoomProtocol
import Testing

@Suite("Controller addresses")
struct AddressTests {
    @Test func addressesParse() throws {
        #expect(try ControllerAddress.zeroMQ("tcp://127.0.0.1:5559") == .zeroMQ(host: "127.0.0.1", port: 5559))
        #expect(try ControllerAddress.http("http://localhost:8080/") == .http(host: "localhost", port: 8080))
        #expect(try ControllerAddress.http("http://[::1]:8080") == .http(host: "::1", port: 8080))
        #expect(try ControllerAddress.http("http://[::1]:8080").description == "http://[::1]:8080")
        #expect(throws: AddressError("--url takes http://HOST:PORT, not 'https://x:1'")) { try ControllerAddress.http("https://x:1") }
        #expect(throws: AddressError("--controller: 'tcp://host' has no port")) { try ControllerAddress.zeroMQ("tcp://host") }
        #expect(throws: AddressError("--controller: 'tcp://h:0' needs a port between 1 and 65535")) {
            try ControllerAddress.zeroMQ("tcp://h:0")
        }
    }

    @Test func loopbackIsOnlyThisMachine() {
        for host in ["127.0.0.1", "127.255.0.9", "localhost", "LOCALHOST", "::1", "0:0:0:0:0:0:0:1"] {
            #expect(Loopback.contains(host), "\(host)")
        }
        for host in ["10.0.0.1", "128.0.0.1", "127.0.0", "127.0.0.1.5", "1270.0.0.1", "::2", "example.com", "localhost.evil.com", "0.0.0.0"] {
            #expect(!Loopback.contains(host), "\(host)")
        }
    }

    @Test func aSilentControllerIsUnreachableInTime() throws {
        let refusing = try RefusingPort()
        let port = refusing.port
        let client = try StatusClient(address: "tcp://127.0.0.1:\(port)")
        #expect(throws: StatusError.unreachable("tcp://127.0.0.1:\(port)")) { try client.fetch(timeout: .milliseconds(200)) }
        // And again: the socket is made anew after a timeout.
        #expect(throws: StatusError.unreachable("tcp://127.0.0.1:\(port)")) { try client.fetch(timeout: .milliseconds(100)) }
    }
}
