import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import WardenClient
import WardenCore

/// What the demo (and the tests) do from outside: log in as the first-party app, call the order
/// service, revoke a token — plain HTTP, as curl would.
public struct ShopClient: Sendable {
    public let cluster: ShopCluster

    public init(cluster: ShopCluster) { self.cluster = cluster }

    public struct Reply: Sendable {
        public let status: Int
        public let body: [UInt8]
        public let wwwAuthenticate: String?
        public var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:] }
        public var error: String? { json["error"] as? String }
    }

    func send(_ url: String, method: HTTPMethod = .GET, headers: [(String, String)] = [], body: String? = nil) async throws -> Reply {
        var request = HTTPClientRequest(url: url)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(string: body)) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 1 << 20)
        return Reply(status: Int(response.status.code), body: Array(bytes.readableBytesView), wwwAuthenticate: response.headers.first(name: "WWW-Authenticate"))
    }

    /// The password grant through the public first-party client `shop-web`.
    public func login(_ user: String, _ password: String, scope: String) async throws -> Reply {
        try await send(cluster.issuer + "/oauth2/token", method: .POST, headers: [("Content-Type", "application/x-www-form-urlencoded")],
                       body: FormEncoding.encode([("grant_type", "password"), ("client_id", ShopCluster.webClientID), ("username", user), ("password", password), ("scope", scope)]))
    }

    public func placeOrder(token: String, item: String = "The Hunting of the Snark", amount: Int = 1250) async throws -> Reply {
        try await placeOrder(token: token, rawBody: #"{"item": "\#(item)", "amount": \#(amount)}"#)
    }

    public func placeOrder(token: String, rawBody: String) async throws -> Reply {
        try await send(cluster.orderURL + "/orders", method: .POST, headers: [("Authorization", "Bearer \(token)"), ("Content-Type", "application/json")], body: rawBody)
    }

    public func order(_ id: String, token: String) async throws -> Reply {
        try await send(cluster.orderURL + "/orders/\(id)", headers: [("Authorization", "Bearer \(token)")])
    }

    public func pay(token: String, amount: Int = 100) async throws -> Reply {
        try await send(cluster.paymentURL + "/payments", method: .POST, headers: [("Authorization", "Bearer \(token)"), ("Content-Type", "application/json")],
                       body: #"{"order_id": "x", "amount": \#(amount)}"#)
    }

    /// RFC 7009 revocation by the client the token was issued to.
    public func revoke(_ token: String) async throws -> Reply {
        try await send(cluster.issuer + "/oauth2/revoke", method: .POST, headers: [("Content-Type", "application/x-www-form-urlencoded")],
                       body: FormEncoding.encode([("token", token), ("client_id", ShopCluster.webClientID)]))
    }

    /// What a leaked exchanged token looks like: the order service's exchange, done by hand.
    public func exchangeAsOrderService(_ token: String) async throws -> Reply {
        let credentials = Data("order-service:\(cluster.orderSecret)".utf8).base64EncodedString()
        return try await send(cluster.issuer + "/oauth2/token", method: .POST,
                              headers: [("Content-Type", "application/x-www-form-urlencoded"), ("Authorization", "Basic \(credentials)")],
                              body: FormEncoding.encode([("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange"), ("subject_token", token),
                                               ("subject_token_type", "urn:ietf:params:oauth:token-type:access_token"), ("audience", "payment-service"), ("scope", "payment.create")]))
    }
}
