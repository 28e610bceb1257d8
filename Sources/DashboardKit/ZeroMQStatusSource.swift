import ClientKit

/// STATUS / STATUS_REPLY on the controller's client socket: every figure the header shows.
public final class ZeroMQStatusSource: StatusSource {
    private let client: StatusClient
    private let timeout: Duration

    public init(address: ControllerAddress, timeout: Duration) throws {
        client = try StatusClient(address: address.description)
        self.timeout = timeout
    }

    public var description: String { client.address }

    public func fetch() throws -> DashboardStatus {
        DashboardStatus(try client.fetch(timeout: timeout))
    }
}
