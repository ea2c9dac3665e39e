/// What a route asks of a request's signature, with what an adapter needs to check it: the
/// verifier (its policy and keys), the URL the service's callers use (its `@target-uri`,
/// `@authority` and `@scheme` come from it and the received path), the largest body read to
/// check `Content-Digest`, and the realm of the 401 challenge.
public struct HTTPSignatureRequirement: Sendable {
    public let verifier: HTTPSignatureVerifier
    /// `scheme://host[:port]` (and a path prefix if the service is mounted under one), without
    /// a trailing slash: behind a proxy, the public URL.
    public let externalBaseURL: String
    public var maximumBodySize = 1024 * 1024
    public var realm: String
    /// The signature's key must belong to the client the access token was issued to (its
    /// `client_id`): a stolen signing key is worth nothing with another client's token, and a
    /// stolen token nothing without its client's key. Needs keys that name their client
    /// (``HTTPSignatureKey/clientID``: those the authorization server hands out do).
    public var signerMustBeTokenClient = false
    /// Told of every refused signature (issue 14), but not of 503s (the service's own trouble).
    public var refusals: (any AccessRefusalReporter)?

    public init(verifier: HTTPSignatureVerifier, externalBaseURL: String, realm: String = "warden") {
        precondition(!realm.contains("\"") && !realm.contains("\\"), "realm must not contain '\"' or '\\'")
        self.verifier = verifier
        self.externalBaseURL = externalBaseURL.hasSuffix("/") ? String(externalBaseURL.dropLast()) : externalBaseURL
        self.realm = realm
    }

    /// The same requirement with ``signerMustBeTokenClient`` set.
    public func requiringTokenClientAsSigner() -> HTTPSignatureRequirement {
        var requirement = self
        requirement.signerMustBeTokenClient = true
        return requirement
    }

    /// Refuses a signature by another client than the token's, when
    /// ``signerMustBeTokenClient`` (adapters call it after ``check(method:path:fields:readBody:)``).
    public func checkSigner(_ signature: VerifiedHTTPSignature, tokenClientID: String) throws(HTTPSignatureRefusal) {
        guard signerMustBeTokenClient else { return }
        guard let signer = signature.clientID, signer == tokenClientID else {
            refusals?.report(AccessRefusal(kind: .invalidSignature, reason: HTTPSignatureError.Reason.signerMismatch.rawValue, clientID: tokenClientID))
            throw HTTPSignatureRefusal(HTTPSignatureError(.signerMismatch, detail: "key \(signature.keyID) is not the token client's"), policy: verifier.policy, realm: realm)
        }
    }

    /// The request as RFC 9421 sees it, from what a framework received.
    public func signableRequest(method: String, path: String, fields: [(name: String, value: String)]) -> SignableRequest {
        SignableRequest(method: method, targetURI: externalBaseURL + (path.hasPrefix("/") ? path : "/" + path), fields: fields)
    }

    /// Verifies, or throws the refusal to answer with; `readBody` is called only when the
    /// signature over the headers holds and covers `content-digest` (its own errors, such as a
    /// body over ``maximumBodySize``, are thrown as they are).
    public func check(method: String, path: String, fields: [(name: String, value: String)], readBody: () async throws -> [UInt8]) async throws -> VerifiedHTTPSignature {
        do {
            return try await verifier.verify(signableRequest(method: method, path: path, fields: fields), readBody: readBody)
        } catch let error as HTTPSignatureError {
            if error.reason != .replayMemoryFull, error.reason != .keysUnavailable {
                refusals?.report(AccessRefusal(kind: .invalidSignature, reason: error.reason.rawValue))
            }
            throw HTTPSignatureRefusal(error, policy: verifier.policy, realm: realm)
        }
    }
}
