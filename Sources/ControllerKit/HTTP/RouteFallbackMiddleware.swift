import Hummingbird

/// What the router does not answer, answered in OpenAI's error shape: a wrong method on a known
/// path is 405 with `Allow`, an unknown path 404, and any other HTTP error hummingbird throws keeps
/// its status with a JSON body. The outermost middleware, so it sees every request.
struct RouteFallbackMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Each path the API serves, with its methods.
    let routes: [String: [HTTPRequest.Method]]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as any HTTPResponseError {
            let path = request.uri.path
            guard error.status == .notFound else {
                return APIError(status: error.status, "the request could not be served (\(error.status.code) \(error.status.reasonPhrase))").response
            }
            guard let methods = routes[path] else {
                return APIError(status: .notFound, "there is no \(request.method) \(path): see docs/controller.md for the API's paths").response
            }
            let allowed = methods.map(\.rawValue).joined(separator: ", ")
            var response = APIError(
                status: .methodNotAllowed, "\(path) takes \(allowed), not \(request.method)").response
            response.headers[.allow] = allowed
            return response
        }
    }
}
