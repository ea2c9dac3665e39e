import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import WardenClient
import WardenCore

/// Anything a test talks to over loopback HTTP: an in-process ``TestServer`` or a `warden serve`
/// process. Form posts, gets and token-endpoint shortcuts, answers as ``Reply``.
protocol LoopbackHTTPTarget: Sendable {
    var baseURL: String { get }
}

/// An HTTP answer, read whole.
struct Reply: Sendable, CustomStringConvertible {
    var description: String { "Reply(\(status), \(String(decoding: body.prefix(200), as: UTF8.self)))" }
    let status: Int
    let headers: [(String, String)]
    let body: [UInt8]

    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:]
    }
    func header(_ name: String) -> String? {
        headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }
    var error: String? { json["error"] as? String }
    var accessToken: String? { json["access_token"] as? String }
    var refreshToken: String? { json["refresh_token"] as? String }
}

extension LoopbackHTTPTarget {
    func post(_ path: String, _ pairs: [(String, String)], basic: (String, String)? = nil, contentType: String = "application/x-www-form-urlencoded", rawBody: String? = nil, headers: [(String, String)] = [], timeout: TimeAmount = .seconds(30)) async throws -> Reply {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: contentType)
        if let (id, secret) = basic {
            let encode = { (value: String) in value.addingPercentEncoding(withAllowedCharacters: .alphanumerics)! }
            request.headers.add(name: "Authorization", value: "Basic " + Data("\(encode(id)):\(encode(secret))".utf8).base64EncodedString())
        }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(string: rawBody ?? FormEncoding.encode(pairs)))
        return try await send(request, timeout: timeout)
    }

    func get(_ path: String, headers: [(String, String)] = [], timeout: TimeAmount = .seconds(30)) async throws -> Reply {
        var request = HTTPClientRequest(url: baseURL + path)
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        return try await send(request, timeout: timeout)
    }

    /// (async-http-client retries a refused connection until the timeout: a dead server costs
    /// the whole `timeout`.) The timeout covers the whole answer: async-http-client's deadline
    /// ends with the response head, so the body is read within what is left of it (a server that
    /// stalls mid-body fails the test instead of hanging the suite).
    private func send(_ request: HTTPClientRequest, timeout: TimeAmount) async throws -> Reply {
        let deadline = NIODeadline.now() + timeout
        let response = try await HTTPClient.shared.execute(request, deadline: deadline)
        let remaining = Duration.nanoseconds(max(0, (deadline - .now()).nanoseconds))
        let body = try await withThrowingTaskGroup(of: ByteBuffer?.self) { group in
            group.addTask { try await response.body.collect(upTo: 1 << 20) }
            group.addTask {
                try await Task.sleep(for: remaining)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let body = first else {
                throw HTTPClientError.deadlineExceeded
            }
            return body
        }
        return Reply(status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) }, body: Array(body.readableBytesView))
    }

    // MARK: Shortcuts

    func passwordToken(_ user: String, _ password: String, scope: String? = nil, client: String = "shop-web") async throws -> Reply {
        var pairs = [("grant_type", "password"), ("username", user), ("password", password), ("client_id", client)]
        if let scope { pairs.append(("scope", scope)) }
        return try await post("/oauth2/token", pairs)
    }

    func exchange(_ token: String, as client: (String, String), audience: String? = nil, scope: String? = nil) async throws -> Reply {
        var pairs = [
            ("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange"),
            ("subject_token", token),
            ("subject_token_type", "urn:ietf:params:oauth:token-type:access_token"),
        ]
        if let audience { pairs.append(("audience", audience)) }
        if let scope { pairs.append(("scope", scope)) }
        return try await post("/oauth2/token", pairs, basic: client)
    }
}
