import Hummingbird
import LoomProtocol

/// Bearer API keys: every path but the open ones needs `Authorization: Bearer <key>` with a key
/// from the list; otherwise 401 in OpenAI's error shape.
struct APIKeyMiddleware<Context: RequestContext>: RouterMiddleware {
    let keys: APIKeys
    let openPaths: Set<String>

    init(keys: some Sequence<String>, openPaths: Set<String>) {
        self.keys = APIKeys(keys)
        self.openPaths = openPaths
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard !openPaths.contains(request.uri.path) else { return try await next(request, context) }
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer ") else {
            return APIError(.unauthorized, "an API key is required: send 'Authorization: Bearer <key>'").response
        }
        guard keys.accepts(Array(header.utf8.dropFirst("Bearer ".utf8.count))) else {
            return APIError(.unauthorized, "the API key is not valid").response
        }
        return try await next(request, context)
    }
}

/// The accepted keys, checked so that the time taken says nothing about how much of a guess was
/// right: every key is compared, every byte of it, whatever matched or differed before.
struct APIKeys: Sendable {
    private let keys: [[UInt8]]

    init(_ keys: some Sequence<String>) {
        self.keys = keys.map { Array($0.utf8) }
    }

    func accepts(_ presented: [UInt8]) -> Bool {
        var accepted = false
        for key in keys { accepted = Self.equal(key, presented) || accepted }
        return accepted
    }

    /// Compares over the longer length, folding every difference (lengths included) into one value.
    static func equal(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var difference = UInt64(a.count ^ b.count)
        for i in 0..<max(a.count, b.count) {
            let x = i < a.count ? a[i] : 0
            let y = i < b.count ? b[i] : 0
            difference |= UInt64(x ^ y)
        }
        return difference == 0
    }
}
