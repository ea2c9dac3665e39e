import Foundation
public import Logging
public import WardenCore

/// The token endpoint's logic (RFC 6749 §3.2, §4–6; RFC 8693), free of HTTP: authenticate the
/// client, check it may use the grant, run the grant, mint the token, audit. Errors a client can
/// cause are ``OAuthError``s; storage failures are ``StoreError``s.
public struct TokenService: Sendable {
    public static let accessTokenType = "urn:ietf:params:oauth:token-type:access_token"

    let configuration: AuthorizationServerConfiguration
    let store: any AuthorizationStore
    let keys: KeyManager
    let clients: ClientAuthenticator
    let passwords: PasswordChecker
    let verifier: AccessTokenVerifier<KeyManager>
    let timeSource: TimeSource
    let logger: Logger
    let metrics: ServerMetrics
    /// Signalled whenever a revocation is stored, for the revocation stream.
    public let revocationSignal = ChangeSignal()
    let revocations: RevocationMirror
    let scopeCache: ExpiringCache<Int, Set<Scope>>
    /// Brute-force counters, shared with every node through the store.
    let bruteForce: BruteForceGuard
    /// Checks DPoP proofs at the token endpoint (its replay cache is this node's).
    let dpop: DPoPProofVerifier
    /// The server's DPoP nonces, when it requires them.
    let dpopNonces: DPoPNonces?
    /// Client-credentials issuance counted by the minute (unless every token gets its row);
    /// ``IssuanceAuditService`` writes it.
    public let issuanceAudit: IssuanceAuditAggregator?
    /// Detection and alerts (issue 14).
    public let alerts: AlertCenter

    public init(configuration: AuthorizationServerConfiguration, store: any AuthorizationStore, keys: KeyManager, masterKey: MasterKey, throttle: BruteForceGuard = BruteForceGuard(), passwordHashing: PasswordHashing = .init(), timeSource: TimeSource = .system, metrics: ServerMetrics = ServerMetrics(), logger: Logger = Logger(label: "warden.token")) {
        self.metrics = metrics
        self.revocations = RevocationMirror(store: store, syncInterval: configuration.revocationSyncInterval, timeSource: timeSource)
        self.scopeCache = ExpiringCache(lifetime: configuration.recordCacheLifetime, capacity: 1, timeSource: timeSource)
        self.configuration = configuration
        self.store = store
        self.keys = keys
        let throttle = throttle.sharing(SharedFailureCounts(store: store, refreshInterval: configuration.revocationSyncInterval, logger: logger))
        self.bruteForce = throttle
        let alerts = AlertCenter(store: store, thresholds: configuration.detection, disabled: configuration.disabledDetection, timeSource: timeSource, metricsFactory: metrics.factory, logger: logger)
        self.alerts = alerts
        self.clients = ClientAuthenticator(store: store, hasher: ClientSecretHasher(masterKey: masterKey), throttle: throttle, cache: ExpiringCache(lifetime: configuration.recordCacheLifetime, timeSource: timeSource), timeSource: timeSource, logger: logger, alerts: alerts)
        self.passwords = PasswordChecker(store: store, throttle: throttle, hashing: passwordHashing, timeSource: timeSource, logger: logger, alerts: alerts)
        // Its cache spares the signature check for a token seen before; revocation is checked
        // after it, against the mirror of the feed.
        var verifierConfiguration = AccessTokenVerifierConfiguration.acceptingAnyAudience(issuer: configuration.issuer)
        verifierConfiguration.cacheCapacity = 10_000
        // The default leeway stays (nodes' clocks differ a little; a token just past `exp` can
        // still be revoked, as resource servers still accept it within theirs); introspection
        // adds its own `exp` check (IntrospectionService).
        self.verifier = AccessTokenVerifier(configuration: verifierConfiguration, keys: keys, timeSource: timeSource, logger: logger)
        self.timeSource = timeSource
        self.logger = logger
        self.dpop = DPoPProofVerifier(configuration: configuration.dpop, timeSource: timeSource)
        self.issuanceAudit = configuration.auditEveryClientCredentialsToken ? nil : IssuanceAuditAggregator()
        self.dpopNonces = configuration.dpopNonceWindow.map { DPoPNonces(key: masterKey.derivedKey(purpose: "dpop-nonce"), window: $0, timeSource: timeSource) }
    }

    public func handle(_ request: TokenRequest) async throws -> TokenResponse {
        let grantType = request.grantType
        // Public clients may use the grants meant for them; client_credentials and token
        // exchange need a confidential client (RFC 6749 §4.4, RFC 8693 §2.1).
        let allowPublic = grantType != .clientCredentials && grantType != .tokenExchange
        let client = try await clients.authenticate(request.client, remoteAddress: request.remoteAddress, allowPublic: allowPublic)
        // The request's span (issue 16), when tracing is on: who asked, for which grant.
        WardenTracing.annotateCurrentSpan(["oauth.client_id": client.id, "oauth.grant_type": grantType.rawValue])
        guard client.grants.contains(grantType) else {
            try await audit("token.refused", client: client, outcome: "unauthorized_client", detail: "grant \(grantType) not allowed")
            throw OAuthError.unauthorizedClient("The client may not use this grant type.")
        }
        do {
            let response: TokenResponse
            // The grant's parameters were parsed at the edge; their mistakes are answered here,
            // once the client is known (TokenRequest).
            let parameters = try request.grant.get()
            // RFC 9449 §5: with a valid DPoP proof, the token is bound to the proof's key.
            let binding = try await proofKey(request)
            // RFC 9449 §5.2: a client registered to use DPoP gets bound tokens only.
            if client.requiresDPoP, binding == nil { throw OAuthError.invalidDPoPProof("This client must send a DPoP proof.") }
            switch parameters {
            case .clientCredentials(let grant): response = try await clientCredentials(grant, request, client: client, binding: binding)
            case .password(let grant): response = try await password(grant, request, client: client, binding: binding)
            case .refreshToken(let grant): response = try await refreshToken(grant, client: client, binding: binding)
            case .authorizationCode(let grant): response = try await authorizationCode(grant, client: client, binding: binding)
            case .tokenExchange(let grant): response = try await tokenExchange(grant, request, client: client, binding: binding)
            }
            metrics.recordIssued(grantType)
            // Issue 14: a scope the client's tokens never carried (after its learning period).
            await alerts.noteScopeUse(clientID: client.id, createdAt: client.createdAt, scope: response.claims.scope)
            return response
        } catch let error as OAuthError {
            try await audit("token.refused", client: client, outcome: error.code, detail: "\(grantType): \(error.errorDescription)")
            throw error
        }
    }

    // MARK: Shared steps

    /// The thumbprint of the key of the request's DPoP proof (RFC 9449 §4.3, checked for
    /// `POST` to this server's token endpoint), or `nil` without a proof.
    /// - Throws: `invalid_dpop_proof` for several proofs or one that fails a check.
    func proofKey(_ request: TokenRequest) async throws -> String? {
        guard let proof = request.dpopProofs.first else { return nil }
        guard request.dpopProofs.count == 1 else { throw OAuthError.invalidDPoPProof("The request carries more than one DPoP proof.") }
        do {
            var acceptsNonce: (@Sendable (String?) -> Bool)?
            if let nonces = dpopNonces { acceptsNonce = { @Sendable nonce in nonces.accepts(nonce) } }
            return try await dpop.verify(proof, method: "POST", uri: configuration.endpointBase + "/oauth2/token", isAcceptedNonce: acceptsNonce).keyThumbprint
        } catch {
            if error.reason == .nonceRequired, let nonces = dpopNonces { throw OAuthError.useDPoPNonce(nonces.current()) }
            if error.reason == .replayCacheFull {
                logger.warning("DPoP replay cache full: proofs refused until some expire", metadata: ["detail": "\(error.detail)"])
                throw OAuthError.temporarilyUnavailable("Too many DPoP proofs at once; try again shortly.", retryAfter: 5)
            }
            logger.info("DPoP proof refused", metadata: ["reason": "\(error.reason.rawValue)"])
            throw OAuthError.invalidDPoPProof(error.clientDescription)
        }
    }

    /// The scopes the server knows.
    func knownScopes() async throws -> Set<Scope> {
        try await scopeCache.value(for: 0) { Set(try await store.scopes().map(\.scope)) }
    }

    /// `aud` for a new token: the requested `audience`/`resource` values if the client may ask
    /// for each (RFC 8707 §2: `invalid_target` otherwise), else the client's default audience.
    func audience(for request: TokenRequest, client: ClientRecord) throws -> [String] {
        var requested: [String] = []
        for value in request.audiences + request.resources where !requested.contains(value) {
            guard !value.isEmpty else { throw OAuthError.invalidTarget("An empty audience was requested.") }
            requested.append(value)
        }
        if requested.isEmpty {
            guard let first = client.audiences.first else {
                throw OAuthError.invalidTarget("The client has no default audience; name one with the audience parameter.")
            }
            return [first]
        }
        guard requested.allSatisfy(client.audiences.contains) else {
            throw OAuthError.invalidTarget("The client may not request a token for this audience.")
        }
        return requested
    }

    /// Signs a new access token and, for user tokens, remembers its `jti` under `familyID`.
    func mint(
        subject: String,
        client: ClientRecord,
        audience: [String],
        scope: ScopeSet,
        actor: ActorClaim? = nil,
        familyID: String?,
        derivedFrom: [String] = [],
        notAfter: Date? = nil,
        keyThumbprint: String?,
        now: Date
    ) async throws -> (token: String, claims: AccessTokenClaims, expiresIn: Int) {
        let lifetime = min(client.accessTokenLifetime ?? configuration.accessTokenLifetime, configuration.keys.maximumTokenLifetime)
        var expiresAt = now.addingTimeInterval(lifetime.timeInterval)
        if let notAfter { expiresAt = min(expiresAt, notAfter) }
        // Whole seconds: NumericDate values and `expires_in` agree exactly.
        let issuedAt = Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down))
        expiresAt = Date(timeIntervalSince1970: expiresAt.timeIntervalSince1970.rounded(.down))
        let claims = AccessTokenClaims(
            issuer: configuration.issuer,
            subject: subject,
            audience: audience,
            expiresAt: expiresAt,
            issuedAt: issuedAt,
            tokenID: OpaqueToken.identifier(),
            clientID: client.id,
            scope: scope,
            actor: actor,
            keyThumbprint: keyThumbprint
        )
        let token = try await keys.currentSigner().sign(claims)
        if let familyID {
            try await store.recordIssuedToken(IssuedTokenRecord(tokenID: claims.tokenID, familyID: familyID, clientID: client.id, subject: subject, expiresAt: expiresAt, derivedFrom: derivedFrom))
        }
        return (token, claims, max(0, Int(expiresAt.timeIntervalSince(issuedAt))))
    }

    /// A new refresh token in `familyID`, stored hashed.
    /// A new refresh token. With a DPoP `binding` and a public client it is bound to that key
    /// (RFC 9449 §5.2); a confidential client's stays bound to its authentication.
    func newRefreshToken(familyID: String, client: ClientRecord, subject: String, scope: ScopeSet, audience: [String], binding: String?, now: Date) async throws -> String {
        let token = OpaqueToken.generate()
        try await store.storeRefreshToken(RefreshTokenRecord(
            hash: OpaqueToken.hash(token),
            familyID: familyID,
            clientID: client.id,
            subject: subject,
            scope: scope,
            audience: audience,
            issuedAt: now,
            expiresAt: now.addingTimeInterval(configuration.refreshTokenLifetime.timeInterval),
            keyThumbprint: client.secretHash == nil ? binding : nil
        ))
        return token
    }

    /// Revokes every refresh token of a family and every access token issued from it
    /// (RFC 6749 §4.1.2 for codes, RFC 9700 §4.14.2 for refresh tokens).
    func revokeFamily(_ familyID: String, now: Date) async throws {
        try await store.revokeRefreshTokenFamily(familyID, at: now)
        for token in try await store.issuedTokens(family: familyID) {
            try await store.revoke(tokenID: token.tokenID, expiresAt: token.expiresAt, at: now)
            revocations.record(tokenID: token.tokenID, expiresAt: token.expiresAt)
        }
        revocationSignal.signal()
    }

    /// The record of a first redemption. A replay revokes the whole family (RFC 6749 §4.1.2 for
    /// codes, RFC 9700 §4.14.2 for refresh tokens) and, like an unknown value, is `invalid_grant`.
    func firstRedemption<Record: TokenFamilyMember>(
        _ redemption: SingleUseRedemption<Record>,
        replayEvent: String,
        client: ClientRecord,
        refusal: OAuthError,
        now: Date
    ) async throws -> Record {
        switch redemption {
        case .redeemed(let record):
            return record
        case .notFound:
            throw refusal
        case .alreadyUsed(let used):
            try await revokeFamily(used.familyID, now: now)
            try await audit(replayEvent, client: client, subject: used.subject, outcome: "invalid_grant", detail: "family \(used.familyID) revoked")
            if replayEvent == "token.refresh_reuse" {
                let (subject, clientID) = (PrintableText.escaped(used.subject), PrintableText.escaped(client.id))
                await alerts.signal(.refreshTokenReuse, key: "family:\(used.familyID)", severity: "high", subject: used.subject, clientID: client.id) { count, _ in
                    count == 1
                        ? "A rotated refresh token of \(subject) (client \(clientID)) was presented again: stolen or replayed; the sign-in was ended"
                        : "A rotated refresh token of \(subject) (client \(clientID)) was presented again \(count) times; the sign-in was ended"
                }
            }
            throw refusal
        }
    }

    func audit(_ event: String, client: ClientRecord?, subject: String? = nil, claims: AccessTokenClaims? = nil, outcome: String, detail: String? = nil) async throws {
        let record = AuditEvent(
            at: timeSource.now(),
            event: event,
            clientID: client?.id,
            subject: subject ?? claims?.subject,
            scope: claims?.scope.description,
            tokenID: claims?.tokenID,
            outcome: outcome,
            detail: detail
        )
        try await store.appendAudit(record)
        var metadata: Logger.Metadata = ["event": "\(event)", "outcome": "\(outcome)"]
        // Names come from requests and admins: escaped so none can forge or hide a log line.
        if let client { metadata["client_id"] = "\(PrintableText.escaped(client.id))" }
        if let claims { metadata["jti"] = "\(claims.tokenID)"; metadata["scope"] = "\(claims.scope)"; metadata["sub"] = "\(PrintableText.escaped(claims.subject))" }
        if let detail { metadata["detail"] = "\(PrintableText.escaped(detail))" }
        // A token issued is routine: its line at debug (issue 17: `info` stays readable under
        // load); failures and everything else at info.
        logger.log(level: outcome == "success" && event.hasPrefix("token.") ? .debug : .info, "audit", metadata: metadata)
    }

    func respond(_ minted: (token: String, claims: AccessTokenClaims, expiresIn: Int), refreshToken: String? = nil, issuedTokenType: String? = nil) -> TokenResponse {
        TokenResponse(accessToken: minted.token, expiresIn: minted.expiresIn, scope: minted.claims.scope, refreshToken: refreshToken, issuedTokenType: issuedTokenType, claims: minted.claims)
    }
}
