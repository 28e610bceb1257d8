/// Sends one request to the controller and times it. Never throws: every failure is a record.
public protocol GenerationClient: Sendable {
    func generate(_ request: BenchRequest, model: String) async -> RequestRecord
}
