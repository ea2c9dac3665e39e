public import AsyncHTTPClient
import Crypto
import Foundation
import Instrumentation
public import Logging
import NIOCore
import NIOHTTP1
import Synchronization
import Tracing
public import WardenCore

/// Calls other services with the right token for each (configured per target, see
/// ``ServiceTarget``): the service's own token, the incoming user token exchanged for the
/// target's audience and scopes (RFC 8693), or — only when named so — the incoming token
/// unchanged. The incoming token comes from ``IncomingAccessToken/current``, which Warden's
/// Hummingbird authenticator sets; trace context goes along through swift-distributed-tracing's
/// instrument.
///
/// Tokens are cached until shortly before they expire; concurrent calls needing the same token
/// share one request to the authorization server. A 401 `invalid_token` from the target drops
/// that token and the call is retried once with a new one, never more.
public final class AuthorizedHTTPClient: Sendable {
    public let identity: ClientIdentity
    public let targets: [String: ServiceTarget]
    let httpClient: HTTPClient
    /// This service's DPoP key, if it uses one: tokens come bound to it and every call carries
    /// a fresh proof by it (RFC 9449).
    public let dpopKey: DPoPProofSigner?
    let tokenEndpoint: TokenEndpointClient
    let cache: TokenCache
    /// The last DPoP nonce each target origin gave (RFC 9449 §9), used in the next proofs to it.
    let nonces = Mutex<[String: String]>([:])
    let logger: Logger
    /// The tracer when this client was made (issue 16): a `warden.call` span per call, or none.
    let tracer: (any Tracer)?

    public init(
        identity: ClientIdentity,
        targets: [String: ServiceTarget],
        httpClient: HTTPClient = .shared,
        dpopKey: DPoPProofSigner? = nil,
        tokenRequestTimeout: Duration = .seconds(5),
        timeSource: TimeSource = .system,
        logger: Logger = Logger(label: "warden.client")
    ) {
        self.identity = identity
        self.targets = targets
        self.httpClient = httpClient
        self.dpopKey = dpopKey
        self.tokenEndpoint = TokenEndpointClient(identity: identity, dpopKey: dpopKey, httpClient: httpClient, timeout: tokenRequestTimeout, timeSource: timeSource, logger: logger)
        self.cache = TokenCache(timeSource: timeSource)
        self.logger = logger
        self.tracer = WardenTracing.activeTracer
    }

    /// How many tokens are cached now (for tests and metrics).
    public var cachedTokenCount: Int { cache.count }

    /// Sends `request` (its URL a path relative to the target's base URL, e.g. `/payments`) to the
    /// target named `targetName`, with the target's token and the current trace context.
    /// `timeout` covers the answer's head, as async-http-client's own does: reading the body is
    /// the caller's, and a target that stalls mid-body holds it. For a whole answer under one
    /// limit use ``collect(_:to:timeout:upTo:)``.
    public func execute(_ request: HTTPClientRequest, to targetName: String, timeout: Duration = .seconds(10)) async throws -> HTTPClientResponse {
        try await perform(request, body: nil, to: targetName, timeout: timeout)
    }

    /// As ``execute(_:to:timeout:)`` with `body` as the request's content: what a target that
    /// requires signed requests needs (its `Content-Digest` and signature are computed over it).
    public func execute(_ request: HTTPClientRequest, body: [UInt8], to targetName: String, timeout: Duration = .seconds(10)) async throws -> HTTPClientResponse {
        var request = request
        request.body = .bytes(ByteBuffer(bytes: body))
        return try await perform(request, body: body, to: targetName, timeout: timeout)
    }

    private func perform(_ request: HTTPClientRequest, body: [UInt8]?, to targetName: String, timeout: Duration) async throws -> HTTPClientResponse {
        guard let tracer else { return try await performUntraced(request, body: body, to: targetName, timeout: timeout) }
        // One span for the whole call — getting the token (an exchange: its own span) and the
        // request, a retry included; the path only, never the query or a header.
        return try await tracer.withSpan("warden.call \(targetName)", ofKind: .client) { span in
            span.attributes["warden.target"] = targetName
            span.attributes["http.request.method"] = request.method.rawValue
            span.attributes["url.path"] = String(request.url.prefix { $0 != "?" && $0 != "#" })
            let response = try await performUntraced(request, body: body, to: targetName, timeout: timeout)
            span.attributes["http.response.status_code"] = Int(response.status.code)
            return response
        }
    }

    private func performUntraced(_ request: HTTPClientRequest, body: [UInt8]?, to targetName: String, timeout: Duration) async throws -> HTTPClientResponse {
        guard let target = targets[targetName] else {
            throw AuthorizedHTTPClientError(.unknownTarget, "no target named \(targetName)")
        }
        if target.signer != nil, body == nil, request.body != nil {
            throw AuthorizedHTTPClientError(.cannotSign, "\(targetName) requires signed requests: give the body as bytes (execute(_:body:to:) or collect(_:body:to:))")
        }
        let signing = target.signer.map { (signer: $0, body: body ?? []) }
        var request = request
        request.url = target.baseURL + (request.url.hasPrefix("/") ? request.url : "/" + request.url)
        TraceContextPropagation.inject(into: &request.headers, for: httpClient)

        let (key, token) = try await self.token(for: target)
        let origin = target.baseURL
        var response = try await send(request, token: token, nonce: nonces.withLock { $0[origin] }, signing: signing, timeout: timeout)
        // RFC 9449 §9: a target may give a nonce with any answer; the next proofs carry it.
        if let fresh = response.headers.first(name: "DPoP-Nonce") { nonces.withLock { $0[origin] = fresh } }
        // It wants its nonce in the proof: once more, with it.
        if token.isDPoP, response.status == .unauthorized, Self.hasError("use_dpop_nonce", response), let nonce = response.headers.first(name: "DPoP-Nonce") {
            response = try await send(request, token: token, nonce: nonce, signing: signing, timeout: timeout)
        }
        // RFC 6750 §3.1: the target says the token is no good (expired early, revoked, rotated
        // keys): one new token, one retry.
        guard response.status == .unauthorized, Self.hasError("invalid_token", response), let key else { return response }
        cache.invalidate(key, ifValue: token.value)
        logger.debug("target refused the token; retrying once with a new one", metadata: ["target": "\(targetName)"])
        let (_, fresh) = try await self.token(for: target)
        return try await send(request, token: fresh, nonce: nonces.withLock { $0[origin] }, signing: signing, timeout: timeout)
    }

    /// As ``execute(_:to:timeout:)``, and reads the body too, all within `timeout` (token,
    /// head and body; a retry with a renewed token included). A body over `maximumBodySize`
    /// bytes, or an answer not complete in time, is ``AuthorizedHTTPClientError/Code/targetAnswerIncomplete``.
    public func collect(_ request: HTTPClientRequest, to targetName: String, timeout: Duration = .seconds(10), upTo maximumBodySize: Int = 1 << 20) async throws -> CollectedResponse {
        try await collect(request, body: nil, to: targetName, timeout: timeout, upTo: maximumBodySize)
    }

    /// As ``collect(_:to:timeout:upTo:)`` with `body` as the request's content (see
    /// ``execute(_:body:to:timeout:)``): for targets that require signed requests.
    public func collect(_ request: HTTPClientRequest, body: [UInt8], to targetName: String, timeout: Duration = .seconds(10), upTo maximumBodySize: Int = 1 << 20) async throws -> CollectedResponse {
        try await collect(request, body: Optional(body), to: targetName, timeout: timeout, upTo: maximumBodySize)
    }

    private func collect(_ request: HTTPClientRequest, body: [UInt8]?, to targetName: String, timeout: Duration, upTo maximumBodySize: Int) async throws -> CollectedResponse {
        var prepared = request
        if let body { prepared.body = .bytes(ByteBuffer(bytes: body)) }
        let request = prepared
        do {
            return try await TimeLimit.run(timeout) {
                let response = try await self.perform(request, body: body, to: targetName, timeout: timeout)
                let body = try await response.body.collect(upTo: maximumBodySize)
                return CollectedResponse(status: response.status, headers: response.headers, body: body)
            }
        } catch let error as AuthorizedHTTPClientError {
            throw error
        } catch let error as TimeLimit.Exceeded {
            throw AuthorizedHTTPClientError(.targetAnswerIncomplete, "\(targetName): \(error)")
        } catch is NIOTooManyBytesError {
            throw AuthorizedHTTPClientError(.targetAnswerIncomplete, "\(targetName): the answer is larger than \(maximumBodySize) bytes")
        }
    }

    /// Sends `request` with `token`: `Authorization: Bearer`, or for a bound token
    /// `Authorization: DPoP` and a fresh proof for this method, URL and token (RFC 9449 §7.1).
    /// With `signing`, the request is then signed (RFC 9421): fresh `created` and `nonce` on
    /// every attempt, covering the signer's components, `authorization`, and `dpop` with a proof.
    private func send(_ request: HTTPClientRequest, token: IssuedToken, nonce: String? = nil, signing: (signer: HTTPRequestSigner, body: [UInt8])? = nil, timeout: Duration) async throws -> HTTPClientResponse {
        var request = request
        if token.isDPoP, let dpopKey {
            request.headers.replaceOrAdd(name: "Authorization", value: "DPoP \(token.value)")
            let proof = try dpopKey.proof(method: request.method.rawValue, uri: request.url, accessToken: token.value, nonce: nonce)
            request.headers.replaceOrAdd(name: "DPoP", value: proof)
        } else {
            request.headers.replaceOrAdd(name: "Authorization", value: "Bearer \(token.value)")
        }
        if let signing {
            var signer = signing.signer
            var extra = [SignatureComponent("authorization")]
            if request.headers.contains(name: "DPoP") { extra.append(SignatureComponent("dpop")) }
            for component in extra where !signer.components.contains(component) { signer.components.append(component) }
            for name in ["Signature-Input", "Signature"] { request.headers.remove(name: name) }
            var signable = SignableRequest(method: request.method.rawValue, targetURI: request.url, fields: request.headers.map { (name: $0.name, value: $0.value) })
            do {
                for field in try signer.sign(&signable, body: signing.body) { request.headers.replaceOrAdd(name: field.name, value: field.value) }
            } catch {
                throw AuthorizedHTTPClientError(.cannotSign, "the call cannot be signed: \(error)")
            }
        }
        return try await httpClient.execute(request, timeout: .milliseconds(Int64(timeout.timeInterval * 1000)))
    }

    /// The token for a call to `target`, and its cache key (`nil` when forwarding: nothing to renew).
    func token(for target: ServiceTarget) async throws -> (key: String?, token: IssuedToken) {
        switch target.tokenSource.kind {
        case .ownIdentity:
            let key = "cc \(target.audience) \(target.scopes)"
            let token = try await cache.token(for: key) { [tokenEndpoint] in
                var parameters = [("grant_type", "client_credentials"), ("audience", target.audience)]
                if !target.scopes.isEmpty { parameters.append(("scope", target.scopes.description)) }
                return try await tokenEndpoint.requestToken(parameters)
            }
            return (key, token)
        case .exchangingIncomingToken:
            guard let incoming = IncomingAccessToken.current else {
                throw AuthorizedHTTPClientError(.noIncomingToken, "a token exchange needs the incoming request's token")
            }
            // Keyed by a hash of the subject token: never the token itself in memory twice (its
            // bytes hashed where the request has them).
            let hash = incoming.text.utf8.withContiguousStorageIfAvailable { SHA256.hash(data: UnsafeRawBufferPointer($0)) }
                ?? SHA256.hash(data: Array(incoming.text.utf8))
            let digest = Base64URL.encode(Array(hash))
            let key = "tx \(digest) \(target.audience) \(target.scopes)"
            let token = try await cache.token(for: key) { [tokenEndpoint] in
                var parameters = [
                    ("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange"),
                    ("subject_token", incoming.rawValue),
                    ("subject_token_type", "urn:ietf:params:oauth:token-type:access_token"),
                    ("requested_token_type", "urn:ietf:params:oauth:token-type:access_token"),
                    ("audience", target.audience),
                ]
                if !target.scopes.isEmpty { parameters.append(("scope", target.scopes.description)) }
                return try await tokenEndpoint.requestToken(parameters)
            }
            return (key, token)
        case .forwardingIncomingToken:
            guard let incoming = IncomingAccessToken.current else {
                throw AuthorizedHTTPClientError(.noIncomingToken, "forwarding needs the incoming request's token")
            }
            // As it came: a bound incoming token cannot be forwarded (this service lacks the
            // caller's key); the target refuses it, as it should.
            return (nil, IssuedToken(value: incoming.rawValue, expiresIn: 0, now: Date()))
        }
    }

    static func hasError(_ code: String, _ response: HTTPClientResponse) -> Bool {
        response.headers[canonicalForm: "WWW-Authenticate"].contains { $0.lowercased().contains("error=\"\(code)\"") }
    }
}
