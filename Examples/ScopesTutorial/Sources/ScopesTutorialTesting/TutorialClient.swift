import AsyncHTTPClient
import NIOCore
public import NIOHTTP1

/// An HTTP client (async-http-client) for one running build.
public struct TutorialClient: Sendable {
    public let port: Int

    public func execute(_ path: String, method: HTTPMethod = .GET, headers: HTTPHeaders = [:], body: [UInt8]? = nil) async throws -> TutorialResponse {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.method = method
        request.headers = headers
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let collected = try await response.body.collect(upTo: 1 << 20)
        return TutorialResponse(status: response.status, headers: response.headers, body: Array(buffer: collected))
    }

    public func get(_ path: String, token: String? = nil) async throws -> TutorialResponse {
        try await execute(path, headers: token.map { ["Authorization": "Bearer \($0)"] } ?? [:])
    }

    /// `POST /token` with a form body.
    public func login(_ form: String) async throws -> TutorialResponse {
        try await execute("/token", method: .POST, headers: ["Content-Type": "application/x-www-form-urlencoded"], body: Array(form.utf8))
    }
}
