import ControllerKit
import Testing

@Suite("Protected mode: what counts as listening only on this machine")
struct ExposureTests {
    @Test func loopbackAndLocalTransportsAreLocal() {
        for endpoint in ["tcp://127.0.0.1:5560", "tcp://127.8.9.10:1", "tcp://localhost:5560", "tcp://[::1]:5560",
                         "tcp://127.0.0.1:*", "ipc:///tmp/loom.sock", "inproc://relay"] {
            #expect(Exposure.isLocal(endpoint), "\(endpoint)")
        }
    }

    @Test func wildcardsInterfacesAndOtherAddressesAreNot() {
        for endpoint in ["tcp://*:5560", "tcp://0.0.0.0:5560", "tcp://[::]:5560", "tcp://10.0.0.5:5560", "tcp://eth0:5560",
                         "tcp://127.0.0.1.evil:5560", "tcp://1270.0.0.1:5560", "tcp://128.0.0.1:5560", "udp://127.0.0.1:5560", "tcp://:5560"] {
            #expect(!Exposure.isLocal(endpoint), "\(endpoint)")
        }
    }
}
