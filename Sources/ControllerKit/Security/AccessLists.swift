import Synchronization
import ZeroMQ

/// Who may connect to the controller's CURVE sockets: the worker and client allow-lists, read from
/// their files at start and again on `reload()` (SIGHUP), and consulted by the socket thread's ZAP
/// handler for each new connection.
final class AccessLists: Sendable {
    private let security: ControllerSecurity
    private let current: Mutex<(workers: ZAPAuthenticator, clients: ZAPAuthenticator)>

    /// Reads the lists the first time.
    /// - Throws: `CurveKeyFileError` for a list that cannot be read or has a malformed line.
    init(_ security: ControllerSecurity) throws(CurveKeyFileError) {
        self.security = security
        current = Mutex(try Self.read(security))
    }

    /// Reads the lists again; on error the lists in force stay.
    func reload() throws(CurveKeyFileError) -> KeyCounts {
        let lists = try Self.read(security)
        current.withLock { $0 = lists }
        return counts
    }

    /// The keys listed now.
    var counts: KeyCounts {
        let lists = current.withLock { $0 }
        return KeyCounts(workers: lists.workers.allowedPublicKeys?.count, clients: lists.clients.allowedPublicKeys?.count)
    }

    /// The decision on one ZAP request, by the list of its socket's domain. A domain of neither
    /// socket is refused.
    func decide(_ request: [[UInt8]]) -> ZAPAuthenticator.Decision {
        let lists = current.withLock { $0 }
        let domain = request.count > 2 ? String(decoding: request[2], as: UTF8.self) : ""
        switch domain {
        case ControllerSecurity.workerDomain: return lists.workers.decide(request)
        case ControllerSecurity.clientDomain: return lists.clients.decide(request)
        default: return ZAPAuthenticator(allowedPublicKeys: []).decide(request)
        }
    }

    private static func read(_ security: ControllerSecurity) throws(CurveKeyFileError) -> (ZAPAuthenticator, ZAPAuthenticator) {
        let workers = try security.workerKeysPath.map { path throws(CurveKeyFileError) in try CurveKeyFile.readKeys(at: path) }
        let clients = try security.clientKeysPath.map { path throws(CurveKeyFileError) in try CurveKeyFile.readKeys(at: path) }
        return (ZAPAuthenticator(allowedPublicKeys: workers), ZAPAuthenticator(allowedPublicKeys: clients))
    }
}

/// How many keys each allow-list holds; `nil` for a socket with no list (any CURVE peer that knows
/// the controller's public key).
public struct KeyCounts: Sendable, Equatable, CustomStringConvertible {
    public var workers: Int?
    public var clients: Int?

    public init(workers: Int?, clients: Int?) {
        self.workers = workers
        self.clients = clients
    }

    public var description: String {
        func text(_ count: Int?) -> String { count.map { "\($0) keys" } ?? "no list (any key)" }
        return "workers: \(text(workers)), clients: \(text(clients))"
    }
}
