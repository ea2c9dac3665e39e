import Foundation
package import Logging
public import WardenCore

/// `POST /oauth2/security-events` (issue 14): what protected services refused, sent by
/// `WardenClient.SecurityEventReporter` as a JSON array of RFC 8417 Security Event Token payloads
/// (unsigned: the sender authenticates as its confidential client, as for introspection). Each
/// payload's `iss` must be the caller, its `events` must hold `<issuer>/events/access-refused`;
/// the rest of a batch counts even when one payload is refused. What they say feeds detection
/// (``AlertCenter``):
/// - `insufficient_scope` → `insufficient_scope_burst`, per subject and per client;
/// - `invalid_token` because revoked → `revoked_token_use`, per token (`jti`; a jti this
///   server revoked, its owner from the server's record);
/// - `invalid_token` for a forgery's reasons (bad signature, unknown key, malformed, wrong
///   issuer, …) → `invalid_token_burst`, per service. Expired tokens are ordinary (a client
///   with an old token) and raise nothing;
/// - `invalid_dpop_proof` (a bound token without its key's proof) and `invalid_signature` (a
///   request signature missing or failing) → `invalid_token_burst`, per service and kind.
/// Warden's own endpoint: RFC 8935 pushes one signed SET per request; batching unsigned
/// payloads from an authenticated client keeps a busy service to one request in seconds.
public struct SecurityEventIntake: Sendable {
    let clients: ClientAuthenticator
    let alerts: AlertCenter
    let store: any AuthorizationStore
    let tokens: TokenService
    let eventURI: String
    let logger: Logger

    /// The most payloads one request may carry.
    public static let maximumBatch = 500

    package init(tokens: TokenService, logger: Logger) {
        self.clients = tokens.clients
        self.tokens = tokens
        self.alerts = tokens.alerts
        self.store = tokens.store
        let issuer = tokens.configuration.issuer
        self.eventURI = (issuer.hasSuffix("/") ? String(issuer.dropLast()) : issuer) + "/events/access-refused"
        self.logger = logger
    }

    static let forgeryReasons: Set<String> = [
        "oversized", "malformed", "unsupportedAlgorithm", "algorithmMismatch", "unknownKey", "badSignature", "wrongType",
        "unsupportedCritical", "missingClaim", "invalidClaim", "wrongIssuer", "lifetimeTooLong",
    ]

    /// The reporting service: a confidential client that is a service — some client's tokens
    /// may be meant for it (it is one of their audiences). Called before the body is read.
    /// - Throws: `invalid_client` (401) otherwise.
    public func authenticate(_ credentials: ClientCredentials?, remoteAddress: String?) async throws -> ClientRecord {
        let caller = try await clients.authenticate(credentials, remoteAddress: remoteAddress, allowPublic: false)
        // A client no token is ever meant for has nothing to refuse: its reports would be forged
        // (a review flooded alerts from a client-credentials app).
        guard try await store.clients().contains(where: { $0.audiences.contains(where: { $0.utf8.elementsEqual(caller.id.utf8) }) }) else {
            logger.notice("security events from a client that is no service", metadata: ["client_id": "\(PrintableText.escaped(caller.id))"])
            throw OAuthError.invalidClient("Only a service (an audience of some client) reports security events.")
        }
        return caller
    }

    /// Takes a batch from `caller` (``authenticate(_:remoteAddress:)``); returns how many
    /// payloads were accepted.
    /// - Throws: `invalid_request` for a body that is no JSON array or holds more than
    ///   ``maximumBatch`` payloads.
    public func receive(_ body: [UInt8], from caller: ClientRecord) async throws -> Int {
        guard let batch = (try? StrictJSONParser(maximumDepth: 6).parse(body))?.arrayValue else {
            throw OAuthError.invalidRequest("The body must be a JSON array of security event payloads.")
        }
        guard batch.count <= Self.maximumBatch else { throw OAuthError.invalidRequest("At most \(Self.maximumBatch) events a request.") }
        var accepted = 0
        for payload in batch {
            guard let (refusal, count) = Self.refusal(in: payload, from: caller.id, eventURI: eventURI) else { continue }
            var event = refusal
            // The server's clock, not the reporter's (a far-future `iat` would outlive retention).
            event.at = tokens.timeSource.now()
            // A service speaks only of tokens meant for it: a client it names must have it among
            // its audiences (a review wrote rows naming any client with a made-up jti).
            if let named = event.clientID {
                guard let client = try await clients.client(id: named), client.audiences.contains(where: { $0.utf8.elementsEqual(caller.id.utf8) }) else { continue }
            }
            // A revoked token is one this server revoked — by its jti, or by a client entry
            // covering its client and `iat` (issue 14: a narrowed client's copied token) — and its
            // owner is the server's own record when it has one; without one, no user is named
            // but the token's client itself. A report cannot make up a revoked token of anyone.
            if event.kind == .invalidToken, event.reason == "revoked" {
                guard let tokenID = event.tokenID, !tokenID.hasPrefix(RevocationRecord.clientEntryPrefix) else { continue }
                let byEntry: Bool
                if let clientID = event.clientID, let issuedAt = event.tokenIssuedAt {
                    byEntry = try await tokens.revocations.coversClientTokens(clientID, issuedAt: issuedAt)
                } else {
                    byEntry = false
                }
                var revoked = byEntry
                if !revoked { revoked = try await store.isRevoked(tokenID: tokenID) }
                guard revoked else { continue }
                if let recorded = try await store.issuedToken(id: tokenID) {
                    event.subject = recorded.subject
                    event.clientID = recorded.clientID
                } else if event.subject != event.clientID {
                    event.subject = nil
                }
            }
            // A bound token refused for want of its proof: its owner as the server recorded it,
            // when it did (a user's session), else as the service read it from the token.
            if event.kind == .invalidDPoPProof, let tokenID = event.tokenID, let recorded = try await store.issuedToken(id: tokenID) {
                event.subject = recorded.subject
                event.clientID = recorded.clientID
            }
            accepted += 1
            await record(event, count: count, service: caller.id)
            await detect(event, count: count, service: caller.id)
        }
        if accepted < batch.count {
            logger.notice("security events refused", metadata: ["service": "\(caller.id)", "refused": "\(batch.count - accepted)"])
        }
        return accepted
    }

    /// The refusal a payload describes and how many alike it stands for (`count`, 1…1,000,000;
    /// 1 without), or `nil` when it is not one of `service`'s (every string bounded: they reach
    /// logs and alerts).
    static func refusal(in payload: JSONValue, from service: String, eventURI: String) -> (AccessRefusal, Int)? {
        guard let object = payload.objectValue, object["iss"]?.stringValue.map({ $0.utf8.elementsEqual(service.utf8) }) == true,
            let event = object["events"]?.objectValue?[eventURI]?.objectValue,
            let kind = event["kind"]?.stringValue.flatMap(AccessRefusal.Kind.init(rawValue:))
        else { return nil }
        func text(_ name: String) -> String? {
            event[name]?.stringValue.flatMap { $0.isEmpty || $0.utf8.count > 256 ? nil : $0 }
        }
        func scopes(_ name: String) -> ScopeSet {
            // Scope tokens (RFC 6749 §3.3) only: "a b" or a line break is no scope.
            ScopeSet((event[name]?.arrayValue ?? []).prefix(64).compactMap { $0.stringValue.flatMap { try? Scope(validating: $0) } })
        }
        let at = object["iat"]?.numberValue.map(Date.init(timeIntervalSince1970:)) ?? Date()
        var count = 1
        if let value = event["count"] {
            guard let number = value.numberValue, number == number.rounded(), (1...1_000_000).contains(number) else { return nil }
            count = Int(number)
        }
        // Free text reaches audit rows that the permission audit reads back: a route is
        // `METHOD /path` or `/path` without spaces, a reason a word, a requirement scope tokens
        // and `all(…)`/`any(…)` (a review injected " count 999999" through a route).
        let route = text("route")
        if let route, !Self.isRoute(route) { return nil }
        let reason = text("reason")
        if let reason, !reason.utf8.allSatisfy({ $0 < 0x80 && (isalnum(Int32($0)) != 0 || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-")) }) { return nil }
        let requirement = text("requirement")
        if let requirement, !requirement.unicodeScalars.allSatisfy({ ($0.value >= 0x21 && $0.value <= 0x7E && $0 != "\"" && $0 != "\\") || $0 == " " }) { return nil }
        var tokenIssuedAt: Date?
        if let value = event["token_iat"] {
            guard let seconds = value.numberValue, seconds.isFinite, seconds >= 0, seconds < 1e11 else { return nil }
            tokenIssuedAt = Date(timeIntervalSince1970: seconds)
        }
        let refusal = AccessRefusal(kind: kind, reason: reason, route: route, requiredScopes: scopes("scopes_required"), requirement: requirement, heldScopes: scopes("scopes_held"),
                             subject: text("sub"), clientID: text("client_id"), tokenID: text("token_jti"), tokenIssuedAt: tokenIssuedAt, at: at)
        return (refusal, count)
    }

    /// `GET /orders/{id}` or `/orders/{id}`: an optional method of capital letters, then a path
    /// without spaces or control characters.
    static func isRoute(_ text: String) -> Bool {
        var path = Substring(text)
        if let space = text.firstIndex(of: " ") {
            let method = text[..<space]
            guard !method.isEmpty, method.utf8.allSatisfy({ $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }) else { return false }
            path = text[text.index(after: space)...]
        }
        return path.hasPrefix("/") && path.unicodeScalars.allSatisfy { $0.value > 0x20 && $0.value != 0x7F && !$0.properties.isWhitespace }
    }

    /// A refusal of someone's token (a scope missing, a revoked token, a bound token without its
    /// key's proof) is kept in the audit log (`access.refused`): the permission audit reads the
    /// routes' required scopes and each client's refusals from it. Forged or garbage tokens and
    /// signatures are not (they name no one, and whoever sends them could fill the disk);
    /// detection counts them.
    func record(_ refusal: AccessRefusal, count: Int, service: String) async {
        let namesToken = refusal.kind == .invalidDPoPProof && refusal.tokenID != nil
        guard refusal.kind == .insufficientScope || refusal.reason == "revoked" || namesToken else { return }
        var detail = "service \(service)"
        if let route = refusal.route { detail += " route \(route)" }
        if let reason = refusal.reason { detail += " reason \(reason)" }
        if count > 1 { detail += " count \(count)" }
        if let requirement = refusal.requirement { detail += " requirement \(requirement)" }
        do {
            try await store.appendAudit(AuditEvent(
                at: refusal.at, event: "access.refused", clientID: refusal.clientID, subject: refusal.subject,
                scope: refusal.requiredScopes.description, tokenID: refusal.tokenID, outcome: refusal.kind.rawValue, detail: detail
            ))
        } catch {
            logger.error("security event not recorded", metadata: ["service": "\(service)", "error": "\(error)"])
        }
    }

    func detect(_ refusal: AccessRefusal, count: Int, service: String) async {
        let serviceName = PrintableText.escaped(service)
        switch refusal.kind {
        case .insufficientScope:
            let route = PrintableText.escaped(refusal.route ?? "a route")
            let required = PrintableText.escaped(refusal.requiredScopes.description)
            // A user's token: counted for that user (through whichever app). A client's own
            // token (`sub` is its id): counted for the client. Never an app's many users added
            // up — each refused once is ordinary (a review's false positive).
            if let clientID = refusal.clientID, refusal.subject == nil || refusal.subject == clientID {
                let client = PrintableText.escaped(clientID)
                await alerts.signal(.insufficientScopeBurst, key: "client:\(clientID)", severity: "medium", clientID: clientID, service: service, count: count) { count, window in
                    "Client \(client) was refused for missing scopes \(count) times within \(window) (last: \(route) at \(serviceName), needing \(required))"
                }
            } else if let subject = refusal.subject {
                let name = PrintableText.escaped(subject)
                await alerts.signal(.insufficientScopeBurst, key: "subject:\(subject)", severity: "medium", subject: subject, clientID: refusal.clientID, service: service, count: count) { count, window in
                    "\(name) was refused for missing scopes \(count) times within \(window) (last: \(route) at \(serviceName), needing \(required))"
                }
            }
        case .invalidToken where refusal.reason == "revoked":
            guard let tokenID = refusal.tokenID else { return }
            let owner = PrintableText.escaped(refusal.subject ?? "an unknown subject")
            await alerts.signal(.revokedTokenUse, key: "jti:\(tokenID)", severity: "high", subject: refusal.subject, clientID: refusal.clientID, service: service, count: count) { count, _ in
                "A revoked token of \(owner) (jti \(PrintableText.escaped(tokenID))) was presented at \(serviceName)\(count > 1 ? " \(count) times" : "")"
            }
        case .invalidToken where refusal.reason.map(Self.forgeryReasons.contains) == true:
            await alerts.signal(.invalidTokenBurst, key: "service:\(service)", severity: "medium", service: service, count: count) { count, window in
                "\(serviceName) refused \(count) tokens that fail verification (forged or garbage) within \(window)"
            }
        case .invalidToken:
            return
        case .invalidDPoPProof:
            // Bound tokens without their key's proof: a thief with a copied token, or forged and
            // replayed proofs. Counted per service, as forgeries are.
            await alerts.signal(.invalidTokenBurst, key: "service:\(service)|dpop", severity: "medium", service: service, count: count) { count, window in
                "\(serviceName) refused \(count) requests whose DPoP proof failed (a bound token without its key, a forged or replayed proof) within \(window)"
            }
        case .invalidSignature:
            await alerts.signal(.invalidTokenBurst, key: "service:\(service)|signature", severity: "medium", service: service, count: count) { count, window in
                "\(serviceName) refused \(count) requests whose signature was missing or failed within \(window)"
            }
        }
    }
}
