import Foundation
import Logging
import WardenCore

/// The authorization code flow's front channel (RFC 6749 §4.1.1–4.1.2), free of HTTP: the login
/// form, the consent form listing the scopes by their descriptions, and the code. The browser's
/// CSRF nonce (from a cookie) is passed in; every form post must carry the matching token.
public struct AuthorizationFlow: Sendable {
    /// What to answer.
    public enum Outcome: Sendable, Equatable {
        /// A page. `formRedirect` is the validated redirect URI that the page's form may end at:
        /// browsers apply CSP `form-action` to the redirects that follow a form post too, so the
        /// page's policy must name its origin.
        case page(status: Int, html: String, formRedirect: String? = nil)
        case redirect(String)
    }

    let tokens: TokenService
    let signer: FormTokenSigner
    static let ticketLifetime: TimeInterval = 300

    package init(tokens: TokenService, masterKey: MasterKey) {
        self.tokens = tokens
        self.signer = FormTokenSigner(masterKey: masterKey)
    }

    private var store: any AuthorizationStore { tokens.store }

    /// `GET /oauth2/authorize`: validate, then show the login form.
    public func start(_ parameters: [String: String], nonce: String) async throws -> Outcome {
        let request: AuthorizationRequest
        switch try await validate(parameters) {
        case .success(let valid): request = valid
        case .failure(let box): return box.outcome
        }
        return .page(status: 200, html: AuthorizationPages.login(clientID: request.client.id, parameters: parameters, csrf: signer.csrfToken(nonce: nonce)), formRedirect: request.redirectURI)
    }

    /// `POST /oauth2/authorize` with `step=login` or `step=consent`.
    public func submit(_ form: [String: String], nonce: String?, remoteAddress: String?) async throws -> Outcome {
        // CSRF first: a post without the browser's nonce or with a foreign token is refused on a page.
        guard let nonce, let csrf = form["csrf_token"], signer.isValidCSRFToken(csrf, nonce: nonce) else {
            // The usual innocent cause is a cookie the browser did not keep: blocked cookies, or
            // an https issuer's __Host- cookie on a page opened over http.
            return .page(status: 403, html: AuthorizationPages.error("The form expired or did not come from this server. Start again from the application. If this keeps happening, allow cookies for this site and open it at \(tokens.configuration.endpointBase)."))
        }
        let parameters = form.filter { AuthorizationRequest.parameterNames.contains($0.key) }
        let request: AuthorizationRequest
        switch try await validate(parameters) {
        case .success(let valid): request = valid
        case .failure(let box): return box.outcome
        }
        switch form["step"] {
        case "login": return try await login(request, parameters: parameters, form: form, nonce: nonce, csrf: csrf, remoteAddress: remoteAddress)
        case "consent": return try await consent(request, parameters: parameters, form: form, nonce: nonce)
        default: return .page(status: 400, html: AuthorizationPages.error("The form is incomplete."))
        }
    }

    private func login(_ request: AuthorizationRequest, parameters: [String: String], form: [String: String], nonce: String, csrf: String, remoteAddress: String?) async throws -> Outcome {
        let user: UserRecord
        do {
            user = try await tokens.passwords.authenticate(username: form["username"] ?? "", password: form["password"] ?? "", remoteAddress: remoteAddress, clientID: request.client.id)
        } catch let error as OAuthError {
            return .page(status: 200, html: AuthorizationPages.login(clientID: request.client.id, parameters: parameters, csrf: csrf, error: error.errorDescription, username: form["username"]), formRedirect: request.redirectURI)
        }
        let scope: ScopeSet
        do {
            scope = try ScopePolicy.grant(requested: request.scope, client: request.client, user: user, known: try await tokens.knownScopes())
        } catch let error as OAuthError {
            return redirectError(request, error)
        }
        let descriptions = try await store.scopes().filter { scope.contains($0.scope) }
        let ticket = signer.loginTicket(
            user: user.name,
            sessionsNotBefore: user.sessionsNotBefore,
            nonce: nonce,
            requestDigest: FormTokenSigner.digest(parameters),
            expiresAt: tokens.timeSource.now().addingTimeInterval(Self.ticketLifetime)
        )
        return .page(status: 200, html: AuthorizationPages.consent(clientID: request.client.id, user: user.name, scopes: descriptions, parameters: parameters, csrf: csrf, ticket: ticket), formRedirect: request.redirectURI)
    }

    private func consent(_ request: AuthorizationRequest, parameters: [String: String], form: [String: String], nonce: String) async throws -> Outcome {
        let now = tokens.timeSource.now()
        // The ticket is checked under the user's current session epoch: ended sessions (issue
        // 14) end the sign-ins still on their consent page too.
        guard let ticket = form["login_ticket"], let claimed = signer.claimedUser(inTicket: ticket) else {
            return .page(status: 403, html: AuthorizationPages.error("The sign-in expired. Start again from the application."))
        }
        let signedIn = try await store.user(named: claimed)
        guard let username = signer.user(fromTicket: ticket, sessionsNotBefore: signedIn?.sessionsNotBefore, nonce: nonce, requestDigest: FormTokenSigner.digest(parameters), now: now)
        else {
            return .page(status: 403, html: AuthorizationPages.error("The sign-in expired. Start again from the application."))
        }
        guard form["decision"] == "allow" else {
            try await tokens.audit("authorization.denied", client: request.client, subject: username, outcome: "access_denied")
            return redirectError(request, .accessDenied("The user denied the request."))
        }
        // The user may have been disabled or lost scopes since signing in.
        guard let user = signedIn, user.name == username, !user.disabled else {
            return redirectError(request, .accessDenied("The user cannot authorize this request."))
        }
        let scope: ScopeSet
        do { scope = try ScopePolicy.grant(requested: request.scope, client: request.client, user: user, known: try await tokens.knownScopes()) } catch let error as OAuthError {
            return redirectError(request, error)
        }
        let code = OpaqueToken.generate()
        try await store.storeAuthorizationCode(AuthorizationCodeRecord(
            hash: OpaqueToken.hash(code),
            clientID: request.client.id,
            subject: user.name,
            scope: scope,
            audience: request.audience,
            redirectURI: request.redirectURI,
            codeChallenge: request.codeChallenge,
            familyID: OpaqueToken.generate(bytes: 16),
            expiresAt: now.addingTimeInterval(tokens.configuration.authorizationCodeLifetime.timeInterval),
            dpopKeyThumbprint: request.dpopKeyThumbprint
        ))
        try await tokens.audit("authorization.granted", client: request.client, subject: user.name, outcome: "success", detail: "scope \(scope)")
        var params = [("code", code)]
        if let state = request.state { params.append(("state", state)) }
        params.append(("iss", tokens.configuration.issuer))
        return .redirect(AuthorizationRequest.redirect(to: request.redirectURI, params))
    }

    private func validate(_ parameters: [String: String]) async throws -> Result<AuthorizationRequest, OutcomeBox> {
        do {
            return .success(try await AuthorizationRequest.validate(parameters, store: store, known: try await tokens.knownScopes()))
        } catch let refusal as AuthorizationRequest.Refusal {
            switch refusal {
            case .page(let message):
                return .failure(OutcomeBox(.page(status: 400, html: AuthorizationPages.error(message))))
            case .redirect(let uri, let state, let error):
                return .failure(OutcomeBox(.redirect(Self.errorRedirect(uri: uri, state: state, error: error, issuer: tokens.configuration.issuer))))
            }
        }
    }

    private func redirectError(_ request: AuthorizationRequest, _ error: OAuthError) -> Outcome {
        .redirect(Self.errorRedirect(uri: request.redirectURI, state: request.state, error: error, issuer: tokens.configuration.issuer))
    }

    static func errorRedirect(uri: String, state: String?, error: OAuthError, issuer: String) -> String {
        var params = [("error", error.code), ("error_description", error.errorDescription)]
        if let state { params.append(("state", state)) }
        params.append(("iss", issuer))
        return AuthorizationRequest.redirect(to: uri, params)
    }

    /// `Result` needs an `Error` failure; this carries an outcome through it.
    struct OutcomeBox: Error {
        let outcome: Outcome
        package init(_ outcome: Outcome) { self.outcome = outcome }
    }
}
