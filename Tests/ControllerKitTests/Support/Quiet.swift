import ControllerKit
import Logging
import LoomProtocol

/// A logger that drops everything: the tests assert on behaviour, not log lines.
let quietLogger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

/// A controller configuration for tests: loopback endpoints on free ports, 100 ms heartbeats.
func testConfiguration(_ adjust: (inout ControllerConfiguration) -> Void = { _ in }) -> ControllerConfiguration {
    var configuration = ControllerConfiguration()
    configuration.workerEndpoint = "tcp://127.0.0.1:*"
    configuration.clientEndpoint = "tcp://127.0.0.1:*"
    configuration.httpHost = "127.0.0.1"
    configuration.httpPort = 0
    configuration.liveness = Liveness(heartbeatInterval: .milliseconds(100), liveness: 3)
    configuration.registrationGrace = configuration.liveness.expiry
    configuration.requestTimeout = .seconds(10)
    adjust(&configuration)
    return configuration
}

let testModel = ModelInfo(name: "test-model", contextLength: 2048, multimodal: true)
