/// Where the dashboard reads the controller's state from. A source may own a socket, so it is made
/// and used on one thread (the fetcher's), never shared.
public protocol StatusSource: AnyObject {
    /// For the header: the address polled.
    var description: String { get }
    /// One poll; throws when the controller does not answer in time or answers nonsense.
    func fetch() throws -> DashboardStatus
}
