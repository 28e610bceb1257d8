import ZeroMQ

/// CURVE on the controller's ROUTERs: its key pair, and the allow-lists of worker and client
/// public keys (files of one Z85 key per line, re-read on SIGHUP).
public struct ControllerSecurity: Sendable {
    /// The controller's long-term key pair; workers and clients are given its public key.
    public var keys: CurveKeyPair
    /// Worker public keys let in; `nil`: any worker that knows the controller's public key.
    public var workerKeysPath: String?
    /// Client public keys let in on the clients' ROUTER; `nil`: any client that knows the key.
    public var clientKeysPath: String?

    public init(keys: CurveKeyPair, workerKeysPath: String? = nil, clientKeysPath: String? = nil) {
        self.keys = keys
        self.workerKeysPath = workerKeysPath
        self.clientKeysPath = clientKeysPath
    }

    /// ZAP domains of the two ROUTERs: how the one ZAP handler tells their connections apart.
    static let workerDomain = "loom-workers"
    static let clientDomain = "loom-clients"
}
