import Dispatch
import Synchronization
import ZeroMQ

/// Long enough for any healthy exchange on loopback; only reached when something is broken.
let patience: Duration = .seconds(5)
/// How long to watch for a message that must not arrive.
let shortWait: Duration = .milliseconds(500)

func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

/// A `tcp://127.0.0.1:*` endpoint nobody listens on: bound once, then released.
func unusedTCPEndpoint() throws -> String {
    let context = try Context()
    let socket = try Socket(context, type: .router)
    let endpoint = try socket.bind("tcp://127.0.0.1:*")
    socket.close()
    return endpoint
}

/// A DEALER connecting to a CURVE server whose public key it believes is `serverKey`.
func curveClient(of endpoint: String, serverKey: String, keys: CurveKeyPair, context: Context) throws -> Socket {
    let dealer = try Socket(context, type: .dealer)
    try dealer.set(.curveServerKey(serverKey))
    try dealer.set(.curvePublicKey(keys.publicKey))
    try dealer.set(.curveSecretKey(keys.secretKey))
    try dealer.connect(endpoint)
    return dealer
}

/// A queue a socket thread fills and a test drains, waiting with a bound.
final class Inbox<Item: Sendable>: Sendable {
    private let items = Mutex<[Item]>([])
    private let available = DispatchSemaphore(value: 0)

    func put(_ item: Item) {
        items.withLock { $0.append(item) }
        available.signal()
    }

    /// The oldest item, waiting up to `patience`; `nil` if none came.
    func next(within timeout: Duration = patience) -> Item? {
        let deadline = DispatchTime.now() + .milliseconds(Int(timeout.components.seconds * 1000))
        guard available.wait(timeout: deadline) == .success else { return nil }
        return items.withLock { $0.removeFirst() }
    }
}
