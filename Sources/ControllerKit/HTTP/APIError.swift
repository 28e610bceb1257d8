import Hummingbird
import LoomProtocol

/// An error as the HTTP front door answers it, in OpenAI's shape:
/// `{"error":{"message":…,"type":…,"code":…}}`, with the status the wire spec maps the code to.
struct APIError: Error, Sendable {
    var status: HTTPResponse.Status
    var code: ErrorCode
    var message: String
    /// Text streamed before a failure, for a client that was not streaming.
    var partialOutput: String?

    init(_ code: ErrorCode, _ message: String, status: HTTPResponse.Status? = nil, partialOutput: String? = nil) {
        self.code = code
        self.message = message
        self.status = status ?? Self.status(for: code)
        self.partialOutput = partialOutput
    }

    init(_ error: RequestError, partialOutput: String? = nil) {
        self.init(error.code, error.message, partialOutput: partialOutput)
    }

    /// docs/protocol.md, section 9.
    static func status(for code: ErrorCode) -> HTTPResponse.Status {
        switch code {
        case .noModel: .notFound
        case .noLiveWorker, .cancelled: .serviceUnavailable
        case .overloaded: .tooManyRequests
        case .badImage, .badRequest: .badRequest
        case .promptTooLong: .contentTooLarge
        case .workerLost: .badGateway
        case .timeout: .gatewayTimeout
        case .unauthorized: .unauthorized
        case .internal: .internalServerError
        }
    }

    var response: Response { JSONBody.response(Body(error: self), status: status) }

    /// The `{"error":…}` object, also sent as an SSE event when a stream fails.
    struct Body: Encodable {
        let error: Detail

        init(error: APIError) {
            self.error = Detail(
                message: error.message, type: Self.type(of: error.status), code: error.code.name,
                partialOutput: error.partialOutput)
        }

        struct Detail: Encodable {
            let message: String
            let type: String
            let code: String
            let partialOutput: String?

            enum CodingKeys: String, CodingKey {
                case message, type, code, param
                case partialOutput = "partial_output"
            }

            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(message, forKey: .message)
                try container.encode(type, forKey: .type)
                try container.encode(code, forKey: .code)
                try container.encodeNil(forKey: .param)
                try container.encodeIfPresent(partialOutput, forKey: .partialOutput)
            }
        }

        private static func type(of status: HTTPResponse.Status) -> String {
            switch status.code {
            case 401: "authentication_error"
            case 429: "rate_limit_error"
            case 400..<500: "invalid_request_error"
            default: "server_error"
            }
        }
    }
}
