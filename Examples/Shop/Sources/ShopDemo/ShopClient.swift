import AsyncHTTPClient
import Foundation
import NIOCore
public import NIOHTTP1
import WardenClient
public import WardenCore

/// What the demo (and the tests) do from outside: log in as the first-party app, call the order
/// service, revoke a token — plain HTTP, as curl would.
public struct ShopClient: Sendable {
    public let cluster: ShopCluster

    public init(cluster: ShopCluster) { self.cluster = cluster }

    public struct Reply: Sendable {
        public let status: Int
        public let body: [UInt8]
        /// Every `WWW-Authenticate` challenge, in the order they came.
        public let wwwAuthenticate: String?
        public var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:] }
        public var error: String? { json["error"] as? String }
    }

    /// One request, as curl would send it.
    public func send(_ url: String, method: HTTPMethod = .GET, headers: [(String, String)] = [], body: String? = nil) async throws -> Reply {
        var request = HTTPClientRequest(url: url)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(string: body)) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 1 << 20)
        // Bearer and DPoP challenges come in one field each (RFC 9449 §7.1); one list, as RFC 9110 §11.6.1 allows.
        let challenges = response.headers["WWW-Authenticate"]
        return Reply(status: Int(response.status.code), body: Array(bytes.readableBytesView), wwwAuthenticate: challenges.isEmpty ? nil : challenges.joined(separator: ", "))
    }

    /// The password grant through the public first-party client `shop-web`; with `key`, a DPoP
    /// proof goes along and the token is bound to that key (RFC 9449 §5).
    public func login(_ user: String, _ password: String, scope: String, key: DPoPProofSigner? = nil) async throws -> Reply {
        let endpoint = cluster.issuer + "/oauth2/token"
        var headers = [("Content-Type", "application/x-www-form-urlencoded")]
        if let key { headers.append(("DPoP", try key.proof(method: "POST", uri: endpoint))) }
        return try await send(endpoint, method: .POST, headers: headers,
                              body: FormEncoding.encode([("grant_type", "password"), ("client_id", ShopCluster.webClientID), ("username", user), ("password", password), ("scope", scope)]))
    }

    /// How a token goes with a request: `Authorization: Bearer`, or with `key`
    /// `Authorization: DPoP` and a fresh proof for `method` and `url` (RFC 9449 §7.1).
    public func authorization(_ token: String, key: DPoPProofSigner?, method: HTTPMethod, url: String) throws -> [(String, String)] {
        guard let key else { return [("Authorization", "Bearer \(token)")] }
        return [("Authorization", "DPoP \(token)"), ("DPoP", try key.proof(method: method.rawValue, uri: url, accessToken: token))]
    }

    public func placeOrder(token: String, key: DPoPProofSigner? = nil, item: String = "The Hunting of the Snark", amount: Int = 1250) async throws -> Reply {
        try await placeOrder(token: token, key: key, rawBody: #"{"item": "\#(item)", "amount": \#(amount)}"#)
    }

    public func placeOrder(token: String, key: DPoPProofSigner? = nil, rawBody: String) async throws -> Reply {
        let url = cluster.orderURL + "/orders"
        return try await send(url, method: .POST, headers: try authorization(token, key: key, method: .POST, url: url) + [("Content-Type", "application/json")], body: rawBody)
    }

    public func order(_ id: String, token: String, key: DPoPProofSigner? = nil) async throws -> Reply {
        let url = cluster.orderURL + "/orders/\(id)"
        return try await send(url, headers: try authorization(token, key: key, method: .GET, url: url))
    }

    /// A payment straight at the payment service (which takes DPoP-bound tokens and signed
    /// requests only), signed with the order service's key as the order service would sign it
    /// (`signed: false`: not signed).
    public func pay(token: String, key: DPoPProofSigner? = nil, amount: Int = 100, signed: Bool = true) async throws -> Reply {
        let url = cluster.paymentURL + "/payments"
        let body = #"{"order_id": "x", "amount": \#(amount)}"#
        var headers = try authorization(token, key: key, method: .POST, url: url) + [("Content-Type", "application/json")]
        if signed { headers += try signature(method: .POST, url: url, headers: headers, body: body) }
        return try await send(url, method: .POST, headers: headers, body: body)
    }

    /// `Content-Digest`, `Signature-Input` and `Signature` for a request to the payment service,
    /// made with the order service's key (RFC 9421): what the payment service requires.
    public func signature(method: HTTPMethod, url: String, headers: [(String, String)], body: String) throws -> [(String, String)] {
        let key = try HTTPSignatureKey.hmacSHA256(id: ShopCluster.orderSigningKeyID, secret: cluster.orderSigningSecret)
        var covered = [SignatureComponent("@method"), SignatureComponent("@target-uri"), SignatureComponent("content-digest"), SignatureComponent("authorization")]
        if headers.contains(where: { $0.0 == "DPoP" }) { covered.append(SignatureComponent("dpop")) }
        var request = SignableRequest(method: method.rawValue, targetURI: url, fields: headers.map { (name: $0.0, value: $0.1) })
        return try HTTPRequestSigner(key: key, covering: covered).sign(&request, body: Array(body.utf8)).map { ($0.name, $0.value) }
    }

    /// RFC 7009 revocation by the client the token was issued to.
    public func revoke(_ token: String) async throws -> Reply {
        try await send(cluster.issuer + "/oauth2/revoke", method: .POST, headers: [("Content-Type", "application/x-www-form-urlencoded")],
                       body: FormEncoding.encode([("token", token), ("client_id", ShopCluster.webClientID)]))
    }

    /// What a leaked exchanged token looks like: the order service's exchange, done by hand.
    /// With `key`, the token is bound to it (a bound subject token is exchanged only so).
    public func exchangeAsOrderService(_ token: String, key: DPoPProofSigner? = nil) async throws -> Reply {
        let credentials = Data("order-service:\(cluster.orderSecret)".utf8).base64EncodedString()
        let endpoint = cluster.issuer + "/oauth2/token"
        var headers = [("Content-Type", "application/x-www-form-urlencoded"), ("Authorization", "Basic \(credentials)")]
        if let key { headers.append(("DPoP", try key.proof(method: "POST", uri: endpoint))) }
        return try await send(endpoint, method: .POST, headers: headers,
                              body: FormEncoding.encode([("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange"), ("subject_token", token),
                                               ("subject_token_type", "urn:ietf:params:oauth:token-type:access_token"), ("audience", "payment-service"), ("scope", "payment.create")]))
    }
}
