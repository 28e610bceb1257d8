import Hummingbird
import LoomProtocol

/// Bearer API keys: every path but the open ones needs `Authorization: Bearer <key>` with a key
/// from the list; otherwise 401 in OpenAI's error shape.
struct APIKeyMiddleware<Context: RequestContext>: RouterMiddleware {
    let keys: Set<String>
    let openPaths: Set<String>

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard !openPaths.contains(request.uri.path) else { return try await next(request, context) }
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer ") else {
            return APIError(.unauthorized, "an API key is required: send 'Authorization: Bearer <key>'").response
        }
        guard keys.contains(String(header.dropFirst("Bearer ".count))) else {
            return APIError(.unauthorized, "the API key is not valid").response
        }
        return try await next(request, context)
    }
}
