import Foundation
import NIOPosix
import WardenCore

/// `POST /token`: the OAuth 2 password grant (RFC 6749 §4.3) for the tutorial's users, from the
/// request's `Content-Type` and body bytes to the answer; each framework only reads the body
/// (at most ``maximumBodySize`` bytes) and writes the answer.
///
/// Unlike the FastAPI tutorial, the token carries requested ∩ known ∩ the user's allowed scopes
/// and an unknown or unallowed scope is `invalid_scope` (architecture.md decision 3). Disabled users get
/// no token at all.
struct PasswordGrant: Sendable {
    let users: TutorialUserDirectory
    let signer: AccessTokenSigner
    let configuration: TutorialConfiguration

    static let maximumBodySize = 16 * 1024

    /// `body` is `nil` when it was larger than ``maximumBodySize``.
    func answer(contentType: String?, body: [UInt8]?) async -> TutorialAnswer {
        do {
            return try await token(contentType: contentType, body: body)
        } catch let error as OAuthError {
            return TutorialAnswer(error)
        } catch {
            return TutorialAnswer(OAuthError.serverError("The token could not be issued."))
        }
    }

    private func token(contentType: String?, body: [UInt8]?) async throws -> TutorialAnswer {
        // RFC 6749 §4.3.2: parameters are form-encoded in the body.
        guard let contentType = contentType?.lowercased(), contentType.hasPrefix("application/x-www-form-urlencoded")
        else { throw OAuthError.invalidRequest("The body must be application/x-www-form-urlencoded.") }
        guard let body else { throw OAuthError.invalidRequest("The request body is too large.") }
        let form = try URLEncodedFormParameters(parsing: String(decoding: body, as: UTF8.self))

        guard let grantType = form["grant_type"] else { throw OAuthError.invalidRequest("grant_type is required.") }
        guard grantType == "password" else { throw OAuthError.unsupportedGrantType("Only the password grant is supported.") }
        guard let username = form["username"], !username.isEmpty, let password = form["password"], !password.isEmpty else {
            throw OAuthError.invalidRequest("username and password are required.")
        }
        let requested: ScopeSet
        do { requested = try ScopeSet(parsing: form["scope"] ?? "") } catch {
            throw OAuthError.invalidScope("The scope parameter is malformed.")
        }
        guard username.utf8.count <= 256, password.utf8.count <= 1024 else {
            throw OAuthError.invalidGrant("Incorrect username or password.")
        }
        // bcrypt takes ~0.25 s: on NIO's blocking-work pool, as HummingbirdBcrypt advises — never
        // on a thread that runs tasks (the executables run Swift's tasks on NIO's event loops,
        // where a detached task would stall every connection of that loop).
        let users = self.users
        let user = try await NIOThreadPool.singleton.runIfActive { users.authenticate(username: username, password: password) }
        // A disabled account gets the same answer as a wrong password: telling it apart only
        // after a correct password would confirm the password to whoever guessed it.
        guard let user, !user.disabled else { throw OAuthError.invalidGrant("Incorrect username or password.") }

        guard requested.isSubset(of: TutorialScopes.known) else { throw OAuthError.invalidScope("Unknown scope requested.") }
        guard requested.isSubset(of: user.allowedScopes) else { throw OAuthError.invalidScope("Scope not allowed for this user.") }

        let now = Date()
        let lifetime = Double(configuration.tokenLifetime.components.seconds)
        let claims = AccessTokenClaims(
            issuer: configuration.resolvedIssuer,
            subject: user.username,
            audience: [configuration.audience],
            expiresAt: now.addingTimeInterval(lifetime),
            issuedAt: now,
            tokenID: UUID().uuidString,
            clientID: "scopes-tutorial",
            scope: requested
        )
        let token = try signer.sign(claims)
        // RFC 6749 §5.1 response, never cached.
        var members: [String: JSONValue] = [
            "access_token": .string(token),
            "token_type": "bearer",
            "expires_in": .number(lifetime),
        ]
        members["scope"] = .string(requested.description)
        return TutorialAnswer(
            status: 200,
            headerFields: [("Content-Type", "application/json"), ("Cache-Control", "no-store"), ("Pragma", "no-cache")],
            body: JSONValue.object(members).serialized()
        )
    }
}
