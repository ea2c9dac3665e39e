/// The two decisions every protected route makes, the same for every framework: a presented
/// token verified (401 `invalid_token`, or 503 when its keys cannot be had), and the route's
/// added-up scope requirement checked against the verified token (401 without a token, 403
/// `insufficient_scope` naming every scope the route needs).
public enum BearerGate {
    /// Verifies `token`; why it failed is the verifier's (logged and counted there), never the client's.
    /// A good token bound to a key (presented without a proof: stolen, or a client that lost its
    /// key) is told to `refusals` (issue 14; the verifier tells its own refusals).
    public static func verify<Keys: VerificationKeySource>(
        _ token: String, with verifier: AccessTokenVerifier<Keys>, realm: String, refusals: (any AccessRefusalReporter)? = nil
    ) async throws(BearerRefusal) -> VerifiedAccessToken {
        let verified: VerifiedAccessToken
        do {
            verified = try await verifier.verify(token)
        } catch {
            throw refusal(for: error, realm: realm)
        }
        return try admitBearer(verified, realm: realm, refusals: refusals)
    }

    /// A token that failed verification, as the caller hears of it: 503 when its keys cannot be
    /// had, else `invalid_token` (why is the verifier's, never the caller's).
    static func refusal(for error: TokenVerificationError, realm: String) -> BearerRefusal {
        error.reason == .keysUnavailable ? .temporarilyUnavailable(realm: realm) : .invalidToken(realm: realm)
    }

    /// A verified token presented as a bearer token. RFC 9449 §7.2: a token bound to a key
    /// (`cnf.jkt`) is worthless without a proof by that key; presented as a bearer token, it is
    /// refused (and told to `refusals`).
    static func admitBearer(_ verified: VerifiedAccessToken, realm: String, refusals: (any AccessRefusalReporter)?) throws(BearerRefusal) -> VerifiedAccessToken {
        guard verified.claims.keyThumbprint == nil else {
            reportProof(of: verified, reason: "noProof", to: refusals)
            throw BearerRefusal.invalidToken(realm: realm)
        }
        return verified
    }

    /// ``verify(_:proofs:method:path:with:configuration:)`` without suspending, for a bearer
    /// token whose key the verifier has at hand (``AccessTokenVerifier/verifyWithoutSuspending(_:)``):
    /// the same token or the same refusal. `nil` when it must wait for a key, and for every DPoP
    /// presentation (a proof has its own checks) — then `verify` decides. Adapters ask this
    /// first: a busy service's usual request then makes no executor switch for its token
    /// (issue 16).
    public static func verifyWithoutSuspending<Keys: VerificationKeySource>(
        _ presented: PresentedAccessToken,
        with verifier: AccessTokenVerifier<Keys>,
        configuration: BearerAuthenticatorConfiguration
    ) throws(BearerRefusal) -> VerifiedAccessToken? {
        guard !presented.isDPoP, configuration.dpop?.requiresProofOfPossession != true else { return nil }
        let verified: VerifiedAccessToken?
        var isMalformed = false
        do {
            verified = try verifier.verifyWithoutSuspending(presented.text, checkingSyntax: !presented.isSyntaxChecked, isMalformed: &isMalformed)
        } catch {
            throw refusal(for: error, realm: configuration.realm).offering(configuration.dpop, errorScheme: .bearer)
        }
        if isMalformed { throw BearerCredentials(configuration: configuration).malformedAuthorization() }
        guard let verified else { return nil }
        do {
            return try admitBearer(verified, realm: configuration.realm, refusals: configuration.refusals)
        } catch {
            throw error.offering(configuration.dpop, errorScheme: .bearer)
        }
    }

    /// Verifies a token as the request presented it: a bearer token (refused if bound to a
    /// key, RFC 9449 §7.2), or under `DPoP` with its proof, which must pass every check of
    /// RFC 9449 §4.3 for this request (`method`, `path` appended to the external base URL, the
    /// token's hash) and be signed by the key the token is bound to (§7.1).
    public static func verify<Keys: VerificationKeySource>(
        _ presented: PresentedAccessToken,
        proofs: [String],
        method: String,
        path: String,
        with verifier: AccessTokenVerifier<Keys>,
        configuration: BearerAuthenticatorConfiguration
    ) async throws(BearerRefusal) -> VerifiedAccessToken {
        // A token whose syntax was left to us (``PresentedAccessToken/isSyntaxChecked``): refused
        // as where it was found, before anything else.
        if !presented.isSyntaxChecked, !BearerCredentials.isB64Token(presented.text) {
            throw BearerCredentials(configuration: configuration).malformedAuthorization()
        }
        let realm = configuration.realm
        let scheme: BearerRefusal.Scheme = presented.isDPoP ? .dpop : .bearer
        if let dpop = configuration.dpop, dpop.requiresProofOfPossession, !presented.isDPoP {
            // Not worth verifying: whatever it is, this service takes none but bound tokens.
            throw BearerRefusal.proofOfPossessionRequired(realm: realm, scope: [], dpop: dpop, presentedBearer: true)
        }
        guard presented.isDPoP, let dpop = configuration.dpop else {
            do {
                return try await verify(presented.value, with: verifier, realm: realm, refusals: presented.isDPoP ? nil : configuration.refusals)
            } catch {
                throw error.offering(configuration.dpop, errorScheme: scheme)
            }
        }
        // One copy of the token for the verifier and the proof's `ath` (RFC 9449 §4.3).
        let token = presented.value
        let verified: VerifiedAccessToken
        do { verified = try await verifier.verify(token) } catch {
            throw refusal(for: error, realm: realm).offering(dpop, errorScheme: .dpop)
        }
        let bound = try boundKey(of: verified, dpop: dpop, configuration: configuration)
        guard proofs.count == 1 else {
            reportProof(of: verified, reason: proofs.isEmpty ? "noProof" : "severalProofs", to: configuration.refusals)
            throw BearerRefusal.invalidDPoPProof(realm: realm).offering(dpop, errorScheme: .dpop)
        }
        let checked: CheckedDPoPProof
        do {
            checked = try await dpop.verifier.check(proofs[0], method: method, uri: dpop.targetURI(path: path), accessToken: token, isAcceptedNonce: nonceCheck(dpop))
        } catch {
            throw proofRefusal(error, of: verified, dpop: dpop, configuration: configuration)
        }
        return try admitProof(checked, bound: bound, of: verified, dpop: dpop, configuration: configuration)
    }

    /// ``verify(_:proofs:method:path:with:configuration:)`` without suspending: the same token
    /// or the same refusal, or `nil` when it must wait — for the token's key, or for a proof
    /// whose header no earlier proof decided (a client's first). A bearer token goes as in
    /// ``verifyWithoutSuspending(_:with:configuration:)``. Under DPoP the checks run in
    /// `verify`'s order (the token, its binding, the proof, the replay memory, the proof's key),
    /// so a garbage token costs no proof check; whatever makes this `nil` happens before
    /// anything is counted, reported or remembered, and `verify` then decides (issue 16).
    public static func verifyWithoutSuspending<Keys: VerificationKeySource>(
        _ presented: PresentedAccessToken,
        proofs: [String],
        method: String,
        path: String,
        with verifier: AccessTokenVerifier<Keys>,
        configuration: BearerAuthenticatorConfiguration
    ) throws(BearerRefusal) -> VerifiedAccessToken? {
        guard presented.isDPoP else { return try verifyWithoutSuspending(presented, with: verifier, configuration: configuration) }
        // Not a compact JWS, or a header not decided yet: `verify` refuses or decides it.
        guard let dpop = configuration.dpop, proofs.count == 1, let decided = try? dpop.verifier.decidedWithoutSuspending(proofs[0]) else { return nil }
        let verified: VerifiedAccessToken?
        var isMalformed = false
        do { verified = try verifier.verifyWithoutSuspending(presented.text, checkingSyntax: false, isMalformed: &isMalformed) } catch {
            throw refusal(for: error, realm: configuration.realm).offering(dpop, errorScheme: .dpop)
        }
        guard let verified else { return nil }
        let bound = try boundKey(of: verified, dpop: dpop, configuration: configuration)
        let checked: CheckedDPoPProof
        do {
            checked = try dpop.verifier.check(decided, method: method, uri: dpop.targetURI(path: path), accessToken: presented.value, isAcceptedNonce: nonceCheck(dpop))
        } catch {
            throw proofRefusal(error, of: verified, dpop: dpop, configuration: configuration)
        }
        return try admitProof(checked, bound: bound, of: verified, dpop: dpop, configuration: configuration)
    }

    /// The key a token presented under DPoP is bound to; a bearer token is not sent this way.
    static func boundKey(of verified: VerifiedAccessToken, dpop: DPoPAcceptance, configuration: BearerAuthenticatorConfiguration) throws(BearerRefusal) -> String {
        guard let bound = verified.keyThumbprint else {
            reportProof(of: verified, reason: "tokenNotBound", to: configuration.refusals)
            throw BearerRefusal.invalidToken(realm: configuration.realm).offering(dpop, errorScheme: .dpop)
        }
        return bound
    }

    /// The last of a proof's checks, the same on both paths: remembered once (a replay is
    /// refused), and signed by the key the token is bound to (§7.1).
    static func admitProof(
        _ checked: CheckedDPoPProof, bound: String, of verified: VerifiedAccessToken, dpop: DPoPAcceptance, configuration: BearerAuthenticatorConfiguration
    ) throws(BearerRefusal) -> VerifiedAccessToken {
        let proof: VerifiedDPoPProof
        do { proof = try dpop.verifier.remember(checked) } catch {
            throw proofRefusal(error, of: verified, dpop: dpop, configuration: configuration)
        }
        guard proof.keyThumbprint == bound else {
            // A good proof by another key than the token's: someone else's token with their own key.
            reportProof(of: verified, reason: "keyMismatch", to: configuration.refusals)
            throw BearerRefusal.invalidDPoPProof(realm: configuration.realm).offering(dpop, errorScheme: .dpop)
        }
        return verified
    }

    /// A proof refused: 503 when the replay memory is full of live proofs, `use_dpop_nonce`
    /// (RFC 9449 §9) when it lacks the service's nonce, else `invalid_dpop_proof`, reported.
    static func proofRefusal(_ error: DPoPProofError, of verified: VerifiedAccessToken, dpop: DPoPAcceptance, configuration: BearerAuthenticatorConfiguration) -> BearerRefusal {
        let realm = configuration.realm
        if error.reason == .replayCacheFull { return BearerRefusal.temporarilyUnavailable(realm: realm) }
        if error.reason == .nonceRequired, let nonces = dpop.nonces {
            return BearerRefusal.useDPoPNonce(realm: realm, nonce: nonces.current()).offering(dpop, errorScheme: .dpop)
        }
        reportProof(of: verified, reason: error.reason.rawValue, to: configuration.refusals)
        return BearerRefusal.invalidDPoPProof(realm: realm).offering(dpop, errorScheme: .dpop)
    }

    /// The service's nonce check for proofs, when it asks for nonces.
    static func nonceCheck(_ dpop: DPoPAcceptance) -> (@Sendable (String?) -> Bool)? {
        guard let nonces = dpop.nonces else { return nil }
        return { @Sendable nonce in nonces.accepts(nonce) }
    }

    /// Tells `refusals` of a DPoP refusal of a token whose signature was good (issue 14).
    static func reportProof(of token: VerifiedAccessToken, reason: String, to refusals: (any AccessRefusalReporter)?) {
        refusals?.report(AccessRefusal(
            kind: .invalidDPoPProof, reason: reason, heldScopes: token.scope,
            subject: token.subject, clientID: token.clientID, tokenID: token.tokenID, tokenIssuedAt: token.claims.issuedAt
        ))
    }

    /// Admits a request to a route needing `requirement`: its verified token, or a refusal
    /// (with the `DPoP` challenge too when `dpop` is accepted).
    /// With `proofOfPossession`, or a service-wide ``DPoPAcceptance/requiresProofOfPossession``,
    /// only a DPoP-bound token is admitted.
    /// A refused scope check is told to `refusals` (issue 14) with `route`.
    public static func admit(
        _ token: VerifiedAccessToken?,
        requirement: ScopeRequirement,
        realm: String,
        dpop: DPoPAcceptance? = nil,
        proofOfPossession: Bool = false,
        route: String? = nil,
        refusals: (any AccessRefusalReporter)? = nil
    ) throws(BearerRefusal) -> AuthorizedToken {
        if proofOfPossession || dpop?.requiresProofOfPossession == true, let dpop, token?.keyThumbprint == nil {
            throw BearerRefusal.proofOfPossessionRequired(realm: realm, scope: requirement.mentionedScopes, dpop: dpop, presentedBearer: token != nil)
        }
        guard let token else {
            throw BearerRefusal.missingCredentials(realm: realm, scope: requirement.mentionedScopes).offering(dpop, errorScheme: .bearer)
        }
        guard requirement.isSatisfied(by: token.scope) else {
            refusals?.report(AccessRefusal(
                kind: .insufficientScope, route: route, requiredScopes: requirement.mentionedScopes,
                requirement: requirement.hasAlternatives ? requirement.description : nil,
                heldScopes: token.scope, subject: token.subject, clientID: token.clientID, tokenID: token.tokenID
            ))
            // A bound token came under DPoP (a bound bearer token is refused before).
            throw BearerRefusal.insufficientScope(realm: realm, scope: requirement.mentionedScopes)
                .offering(dpop, errorScheme: token.keyThumbprint == nil ? .bearer : .dpop)
        }
        return AuthorizedToken(token: token, requiredScopes: requirement)
    }
}
