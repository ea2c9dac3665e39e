public import Crypto
public import Foundation

/// Checks DPoP proofs (RFC 9449 §4.3) for the authorization server's token endpoint and for
/// resource servers: a compact JWS with `typ: dpop+jwt`, an accepted asymmetric `alg`, a public
/// `jwk` that verifies the signature, and claims that match the request (`htm`, `htu`), are
/// fresh (`iat`), unseen (`jti`), carry the access token's hash (`ath`) when a token is
/// presented, and the server's nonce when it asks for one. The signature math is jwt-kit's
/// (through ``VerificationKey``); the JWS is taken apart with Warden's strict base64url and
/// JSON. One verifier per service: its replay cache is shared by every request.
public final class DPoPProofVerifier: Sendable {
    public let configuration: DPoPProofVerifierConfiguration
    let timeSource: TimeSource
    let replays: ReplayMemory
    let headers: DPoPHeaderCache

    public init(configuration: DPoPProofVerifierConfiguration = .init(), timeSource: TimeSource = .system) {
        self.configuration = configuration
        self.timeSource = timeSource
        self.replays = ReplayMemory(capacity: configuration.replayCacheCapacity)
        self.headers = DPoPHeaderCache(capacity: configuration.headerCacheCapacity)
    }

    /// Verifies `proof` (the `DPoP` header's value) for a request of `method` to `uri` (the URI
    /// the client used: the service's external URL when it sits behind a proxy).
    ///
    /// - Parameters:
    ///   - accessToken: the access token sent with the proof (resource servers): `ath` must be
    ///     its hash. `nil` at the token endpoint.
    ///   - isAcceptedNonce: when the server requires nonces, whether a proof's `nonce` (or its
    ///     absence, `nil`) is one it issued and still accepts. `nil`: no nonce required.
    public func verify(
        _ proof: String,
        method: String,
        uri: String,
        accessToken: String? = nil,
        isAcceptedNonce: (@Sendable (String?) -> Bool)? = nil
    ) async throws(DPoPProofError) -> VerifiedDPoPProof {
        try remember(try await check(proof, method: method, uri: uri, accessToken: accessToken, isAcceptedNonce: isAcceptedNonce))
    }

    /// Every check of ``verify(_:method:uri:accessToken:isAcceptedNonce:)`` but the last, the
    /// replay memory (``remember(_:)``).
    func check(
        _ proof: String,
        method: String,
        uri: String,
        accessToken: String?,
        isAcceptedNonce: (@Sendable (String?) -> Bool)?
    ) async throws(DPoPProofError) -> CheckedDPoPProof {
        let parsed = try parse(proof)
        // Steps 4–7 for this exact header text, decided before (`headers`) or now.
        let cached = headers.entry(for: parsed.headerText)
        let decided: DPoPHeaderCache.Entry
        if let cached { decided = cached } else { decided = try await decideHeader(parsed.header, parser: parsed.parser) }
        return try check(parsed, decided: decided, decidedBefore: cached != nil, method: method, uri: uri, accessToken: accessToken, isAcceptedNonce: isAcceptedNonce)
    }

    /// `proof` taken apart with its header as an earlier proof decided it, without suspending:
    /// `nil` when no earlier proof did (deciding a header builds a key through jwt-kit's key
    /// collection, an actor) — then ``check(_:method:uri:accessToken:isAcceptedNonce:)``
    /// decides. A client signs every proof under one header, so from its second proof on the
    /// whole check runs without an `await` (issue 16: each is an executor switch). Throws what
    /// `check` throws for a proof that is no compact JWS.
    func decidedWithoutSuspending(_ proof: String) throws(DPoPProofError) -> DecidedDPoPProof? {
        let parsed = try parse(proof)
        guard let header = headers.entry(for: parsed.headerText) else { return nil }
        return DecidedDPoPProof(parsed: parsed, header: header)
    }

    /// ``check(_:method:uri:accessToken:isAcceptedNonce:)`` for a proof whose header was decided.
    func check(
        _ decided: DecidedDPoPProof,
        method: String,
        uri: String,
        accessToken: String?,
        isAcceptedNonce: (@Sendable (String?) -> Bool)?
    ) throws(DPoPProofError) -> CheckedDPoPProof {
        try check(decided.parsed, decided: decided.header, decidedBefore: true, method: method, uri: uri, accessToken: accessToken, isAcceptedNonce: isAcceptedNonce)
    }

    private func parse(_ proof: String) throws(DPoPProofError) -> ParsedDPoPProof {
        guard proof.utf8.count <= configuration.maximumProofSize else { throw DPoPProofError(.malformed, detail: "larger than \(configuration.maximumProofSize) bytes") }
        // §4.3 step 2: a well-formed JWS (three canonical base64url parts, strict JSON).
        let parts = proof.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty }),
            let payloadBytes = Base64URL.decodeCanonical(parts[1]),
            let signature = Base64URL.decodeCanonical(parts[2])
        else { throw DPoPProofError(.malformed, detail: "not a compact JWS") }
        let signingInput = Array(proof.utf8)[..<(parts[0].count + 1 + parts[1].count)]
        return ParsedDPoPProof(
            header: parts[0], headerText: Array(parts[0]), payload: payloadBytes, signature: signature,
            signingInput: signingInput, parser: StrictJSONParser(maximumDepth: 4)
        )
    }

    /// Steps 3 and 6 (the signature by the decided key) to 12; `decidedBefore`: the header came
    /// from `headers` (else it is kept there once the signature is good).
    private func check(
        _ parsed: ParsedDPoPProof,
        decided: DPoPHeaderCache.Entry,
        decidedBefore: Bool,
        method: String,
        uri: String,
        accessToken: String?,
        isAcceptedNonce: (@Sendable (String?) -> Bool)?
    ) throws(DPoPProofError) -> CheckedDPoPProof {
        guard let claims = (try? parsed.parser.parse(parsed.payload))?.objectValue else { throw DPoPProofError(.malformed, detail: "payload is not a JSON object") }
        let (algorithm, key, thumbprint) = (decided.algorithm, decided.key, decided.thumbprint)
        guard key.isValidSignature(parsed.signature, for: parsed.signingInput) else { throw DPoPProofError(.badSignature) }
        if !decidedBefore { headers.insert(decided, for: parsed.headerText) }

        // Step 3: the claims, each of its type.
        guard let proofID = claims["jti"]?.stringValue, !proofID.isEmpty, proofID.utf8.count <= 256,
            let htm = claims["htm"]?.stringValue, let htu = claims["htu"]?.stringValue,
            let iat = claims["iat"]?.numberValue, iat.isFinite
        else { throw DPoPProofError(.missingClaim) }
        // Step 8: the method, exactly (methods are case-sensitive, RFC 9110 §9.1).
        guard htm == method else { throw DPoPProofError(.wrongMethod, detail: "htm \(htm) for \(method)") }
        // Step 9: the URI, normalised, without query and fragment.
        guard let expected = DPoPTargetURI.normalized(uri), DPoPTargetURI.normalized(htu) == expected else {
            throw DPoPProofError(.wrongURI, detail: "htu does not match \(DPoPTargetURI.normalized(uri) ?? "the request")")
        }
        // Step 10: the server's nonce, when it asks for one.
        let nonce = claims["nonce"]?.stringValue
        if let isAcceptedNonce, !isAcceptedNonce(nonce) { throw DPoPProofError(.nonceRequired) }
        // Step 11: fresh. `iat` is a NumericDate (RFC 7519 §2): fractional seconds are allowed.
        let now = timeSource.now()
        let issuedAt = Date(timeIntervalSince1970: iat)
        guard issuedAt >= now.addingTimeInterval(-configuration.maximumAge.timeInterval),
            issuedAt <= now.addingTimeInterval(configuration.clockSkew.timeInterval)
        else { throw DPoPProofError(.outsideTimeWindow) }
        // Step 12: bound to the access token sent with it. Without one (the token endpoint), an
        // `ath` the client added anyway binds nothing and is ignored, as §4.3 asks nothing of it.
        if let accessToken {
            guard let ath = claims["ath"]?.stringValue else { throw DPoPProofError(.missingClaim, detail: "ath") }
            guard ath == Self.accessTokenHash(accessToken) else { throw DPoPProofError(.accessTokenMismatch) }
        }
        return CheckedDPoPProof(
            proof: VerifiedDPoPProof(keyThumbprint: thumbprint, algorithm: algorithm, proofID: proofID, issuedAt: issuedAt, nonce: nonce),
            checkedAt: now
        )
    }

    /// §11.1: a checked proof is good once only, while it could pass the time check.
    func remember(_ checked: CheckedDPoPProof) throws(DPoPProofError) -> VerifiedDPoPProof {
        let proof = checked.proof
        let remembered = proof.issuedAt.addingTimeInterval(configuration.maximumAge.timeInterval + configuration.clockSkew.timeInterval)
        switch replays.insert(proof.keyThumbprint + " " + proof.proofID, expires: max(remembered, checked.checkedAt), now: checked.checkedAt) {
        case .inserted: return proof
        case .seen: throw DPoPProofError(.replayed)
        case .full: throw DPoPProofError(.replayCacheFull, detail: "\(replays.capacity) proofs inside their window")
        }
    }

    /// Steps 4–7 of §4.3 for a header not seen before: its `typ`, `alg` and public `jwk`, and
    /// the key built from it.
    private func decideHeader(_ encoded: Substring.UTF8View, parser: StrictJSONParser) async throws(DPoPProofError) -> DPoPHeaderCache.Entry {
        guard let headerBytes = Base64URL.decodeCanonical(encoded) else { throw DPoPProofError(.malformed, detail: "not a compact JWS") }
        guard let header = (try? parser.parse(headerBytes))?.objectValue else { throw DPoPProofError(.malformed, detail: "header is not a JSON object") }
        // Step 4: `typ` (a media type: case-insensitive, RFC 7515 §4.1.9).
        guard header["typ"]?.stringValue?.lowercased() == "dpop+jwt" else { throw DPoPProofError(.wrongType) }
        // Step 5: an asymmetric algorithm this server accepts; never `none` or HMAC.
        guard let name = header["alg"]?.stringValue, let algorithm = SignatureAlgorithm(jwsName: name),
            !algorithm.isSymmetric, configuration.acceptedAlgorithms.contains(algorithm)
        else { throw DPoPProofError(.unsupportedAlgorithm, detail: header["alg"]?.stringValue ?? "none given") }
        guard header["crit"] == nil else { throw DPoPProofError(.criticalHeader) }
        // Step 7 (checked before the key is built): a public key only.
        guard let jwk = header["jwk"]?.objectValue else { throw DPoPProofError(.invalidKey, detail: "no jwk") }
        guard Self.privateMembers.allSatisfy({ jwk[$0] == nil }) else { throw DPoPProofError(.privateKey) }
        guard let thumbprint = JWKThumbprint.sha256(of: jwk) else { throw DPoPProofError(.invalidKey, detail: "not a public EC, OKP or RSA key") }
        // Step 6 (the signature is checked by the caller): the key, for that algorithm.
        let key: VerificationKey
        do { key = try await JSONWebKeySet.verificationKey(jwk: jwk, id: thumbprint, algorithm: name) } catch {
            throw DPoPProofError(.invalidKey, detail: "\(error)")
        }
        guard key.algorithm == algorithm else { throw DPoPProofError(.invalidKey, detail: "key is not for \(name)") }
        return DPoPHeaderCache.Entry(algorithm: algorithm, key: key, thumbprint: thumbprint)
    }

    /// `ath` (RFC 9449 §4.2): base64url of the SHA-256 of the access token's ASCII bytes.
    public static func accessTokenHash(_ accessToken: String) -> String {
        Base64URL.encode(Array(SHA256.hash(data: Array(accessToken.utf8))))
    }

    /// JWK members that only private keys have (RFC 7518 §6.2.2, §6.3.2; §6.4 `k`).
    static let privateMembers = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"]

    /// The algorithms accepted, as the `algs` of a challenge and the metadata list them.
    public var algorithmNames: [String] { configuration.acceptedAlgorithms.map(\.jwsName) }
}
