import LoomProtocol

/// What the two generating endpoints' bodies share.
protocol CompletionRequestBody: Decodable {
    var stream: Bool? { get }
    var streamOptions: StreamOptions? { get }
    func generationRequest(_ configuration: ControllerConfiguration) throws(APIError) -> GenerationRequest
}
