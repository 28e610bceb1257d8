import Hummingbird
import LoomProtocol

/// An error as the HTTP front door answers it, in OpenAI's shape:
/// `{"error":{"message":…,"type":…,"param":…,"code":…}}`, with the status the wire spec maps the code to.
/// Messages are sentences for people: never a Swift type's or enum case's text.
struct APIError: Error, Sendable {
    var status: HTTPResponse.Status
    /// `nil` for a path or method the API does not have (OpenAI's `code` is null there too).
    var code: ErrorCode?
    var message: String
    /// The request field at fault (`max_tokens`, `messages[0].content`), when there is one.
    var param: String?
    /// Text streamed before a failure, for a client that was not streaming.
    var partialOutput: String?

    init(
        _ code: ErrorCode, _ message: String, status: HTTPResponse.Status? = nil, param: String? = nil,
        partialOutput: String? = nil
    ) {
        self.code = code
        self.message = message
        self.status = status ?? Self.status(for: code)
        self.param = param
        self.partialOutput = partialOutput
    }

    /// An error of the HTTP layer itself (404 unknown path, 405 wrong method): no wire code.
    init(status: HTTPResponse.Status, _ message: String) {
        self.status = status
        self.message = message
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
                message: error.message, type: Self.type(of: error.status), code: error.code?.name,
                param: error.param, partialOutput: error.partialOutput)
        }

        struct Detail: Encodable {
            let message: String
            let type: String
            let code: String?
            let param: String?
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
                try container.encode(param, forKey: .param)
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
