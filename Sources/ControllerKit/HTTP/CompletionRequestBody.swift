import LoomProtocol

/// What the two generating endpoints' bodies share.
protocol CompletionRequestBody: Decodable {
    var stream: Bool? { get }
    var streamOptions: StreamOptions? { get }
    var sampling: SamplingFields { get }
    /// `echo`: the text each choice's answer begins with; `nil` for none.
    var echoText: String? { get }
    func generationRequest(_ configuration: ControllerConfiguration) throws(APIError) -> GenerationRequest
}

extension CompletionRequestBody {
    var echoText: String? { nil }
}
