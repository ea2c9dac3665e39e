import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import Tracing
import WardenCore

/// Asks the authorization server's token endpoint for tokens as one client (HTTP Basic,
/// RFC 6749 §2.3.1) and reads the answer strictly (RFC 6749 §5.1/§5.2).
struct TokenEndpointClient: Sendable {
    let identity: ClientIdentity
    /// With a key, every request carries a DPoP proof (RFC 9449 §5) and tokens come bound to it.
    let dpopKey: DPoPProofSigner?
    let httpClient: HTTPClient
    let timeout: Duration
    let timeSource: TimeSource
    let logger: Logger
    /// The tracer when this client was made (issue 16), or none.
    let tracer: (any Tracer)? = WardenTracing.activeTracer

    func requestToken(_ parameters: [(String, String)]) async throws -> IssuedToken {
        guard let tracer else { return try await requestTokenOnce(parameters) }
        // Issue 16: the exchange at the authorization server is a child of the call it is for.
        let grant = parameters.first { $0.0 == "grant_type" }?.1 ?? ""
        return try await tracer.withSpan("warden.token_request", ofKind: .client) { span in
            span.attributes["oauth.grant_type"] = grant
            span.attributes["oauth.client_id"] = identity.clientID
            return try await requestTokenOnce(parameters)
        }
    }

    private func requestTokenOnce(_ parameters: [(String, String)]) async throws -> IssuedToken {
        do {
            return try await requestToken(parameters, nonce: nil)
        } catch let error as AuthorizedHTTPClientError where error.nonce != nil {
            // RFC 9449 §8: the server wants its nonce in the proof; once, with it.
            return try await requestToken(parameters, nonce: error.nonce)
        }
    }

    private func requestToken(_ parameters: [(String, String)], nonce: String?) async throws -> IssuedToken {
        var request = HTTPClientRequest(url: identity.tokenEndpoint)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.headers.add(name: "Accept", value: "application/json")
        let credentials = "\(FormEncoding.encode(identity.clientID)):\(FormEncoding.encode(identity.clientSecret))"
        request.headers.add(name: "Authorization", value: "Basic " + Data(credentials.utf8).base64EncodedString())
        request.body = .bytes(ByteBuffer(string: FormEncoding.encode(parameters)))
        TraceContextPropagation.inject(into: &request.headers, for: httpClient)
        if let dpopKey {
            request.headers.add(name: "DPoP", value: try dpopKey.proof(method: "POST", uri: identity.tokenEndpoint, nonce: nonce))
        }

        let body: ByteBuffer
        let status: HTTPResponseStatus
        let headers: HTTPHeaders
        do {
            // The timeout covers the body too (TimeLimit: the client's own ends at the head).
            let (httpClient, timeout) = (httpClient, timeout)
            (status, headers, body) = try await TimeLimit.run(timeout) { [request] in
                let response = try await httpClient.execute(request, timeout: .milliseconds(Int64(timeout.timeInterval * 1000)))
                return (response.status, response.headers, try await response.body.collect(upTo: 64 * 1024))
            }
        } catch {
            logger.debug("token endpoint unreachable", metadata: ["error": "\(error)"])
            throw AuthorizedHTTPClientError(.authorizationServerUnavailable, "the authorization server cannot be reached")
        }
        let json = (try? StrictJSONParser().parse(Array(body.readableBytesView)))?.objectValue
        guard status == .ok else {
            if let code = json?["error"]?.stringValue, status.code < 500 {
                let oauthError = OAuthError(code: code, description: json?["error_description"]?.stringValue ?? "")
                var refusal = AuthorizedHTTPClientError(.tokenRefused, "the authorization server refused the token: \(code)", oauthError: oauthError)
                if code == "use_dpop_nonce", nonce == nil, dpopKey != nil { refusal.nonce = headers.first(name: "DPoP-Nonce") }
                throw refusal
            }
            throw AuthorizedHTTPClientError(.authorizationServerUnavailable, "the authorization server answered \(status.code)")
        }
        // A DPoP token only when this client sent a proof (RFC 9449 §5); a server without DPoP
        // answers with a bearer token, used as one.
        let type = json?["token_type"]?.stringValue?.lowercased()
        guard let json, let token = json["access_token"]?.stringValue, !token.isEmpty,
            type == "bearer" || (type == "dpop" && dpopKey != nil)
        else {
            throw AuthorizedHTTPClientError(.authorizationServerUnavailable, "the authorization server's answer is not a token response")
        }
        let expiresIn = Self.expiresIn(json["expires_in"]?.numberValue)
        return IssuedToken(value: token, isDPoP: type == "dpop", expiresIn: expiresIn, now: timeSource.now())
    }

    /// `expires_in` (RFC 6749 §5.1, seconds) as an Int that cannot trap: a missing, negative,
    /// fractional, NaN or infinite value, or one past a day, is read as what it can safely mean
    /// (60 s when missing or unusable; at most a day — the token cache renews no later anyway).
    static func expiresIn(_ value: Double?) -> Int {
        guard let value, value.isFinite else { return 60 }
        return Int(min(max(value, 0), 86_400))
    }

}
