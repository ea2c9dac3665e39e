import HTTPTypes
import Hummingbird
import NIOCore
import WardenServer

/// Answers what the router does not match on a path it serves: `OPTIONS` with `204` and
/// `Allow`, any other method with `405 Method Not Allowed` and `Allow` (RFC 9110 §15.5.6, which
/// requires the header), where Hummingbird answers `404` as if the path did not exist. Added
/// last, so it sits in front of the not-found responder only and costs matched routes nothing.
struct AllowedMethodsMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Path → its methods, `Allow` already rendered.
    let allow: [String: String]

    init(methodsByPath: [String: [HTTPRequest.Method]]) {
        var allow: [String: String] = [:]
        for (path, methods) in methodsByPath {
            var names = methods.map(\.rawValue)
            if methods.contains(.get), !methods.contains(.head) { names.append("HEAD") }
            names.append("OPTIONS")
            allow[path] = Set(names).sorted().joined(separator: ", ")
        }
        self.allow = allow
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var path = request.uri.path
        if path.count > 1, path.hasSuffix("/") { path.removeLast() }
        guard let allowed = allow[path] else { return try await next(request, context) }
        if request.method == .options {
            return Response(status: .noContent, headers: [.allow: allowed])
        }
        let body = #"{"error":"invalid_request","error_description":"This method is not allowed here; see Allow."}"#
        return Response(
            status: .methodNotAllowed,
            headers: [.allow: allowed, .contentType: "application/json", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: body))
        )
    }
}
