import Testing
import WardenCore
import WardenServer

/// Token requests parsed once at the edge into one typed request per grant (issue 15): what is
/// refused at once, what is kept to be answered once the client is known, and the values.
@Suite struct TokenRequestTests {
    func request(_ parameters: [String: String]) throws(OAuthError) -> TokenRequest {
        try TokenRequest(parameters: parameters, client: nil)
    }

    func failure(_ parameters: [String: String]) throws -> OAuthError? {
        if case .failure(let error) = try request(parameters).grant { return error }
        return nil
    }

    @Test func aMissingOrUnsupportedGrantTypeIsRefusedAtOnce() {
        #expect(throws: OAuthError.invalidRequest("grant_type is required.")) { try request([:]) }
        #expect(throws: OAuthError.invalidRequest("grant_type is required.")) { try request(["grant_type": ""]) }
        #expect(throws: OAuthError.unsupportedGrantType("The grant type is not supported.")) { try request(["grant_type": "implicit"]) }
    }

    @Test func eachGrantsParametersAreTyped() throws {
        guard case .success(.password(let password)) = try request(["grant_type": "password", "username": "ann", "password": "pw", "scope": "b a"]).grant else {
            Issue.record("not a password request"); return
        }
        #expect(password.username == "ann" && password.password == "pw" && password.scope == ["a", "b"])
        guard case .success(.clientCredentials(let machine)) = try request(["grant_type": "client_credentials"]).grant else {
            Issue.record("not a client-credentials request"); return
        }
        #expect(machine.scope.isEmpty)
        let verifier = String(repeating: "v", count: 43)
        guard case .success(.authorizationCode(let code)) = try request(["grant_type": "authorization_code", "code": "c", "code_verifier": verifier]).grant else {
            Issue.record("not an authorization-code request"); return
        }
        #expect(code.code == "c" && code.codeVerifier == verifier && code.redirectURI == nil)
        guard case .success(.tokenExchange(let exchange)) = try request([
            "grant_type": GrantType.tokenExchange.rawValue, "subject_token": "t", "subject_token_type": TokenService.accessTokenType, "scope": "x",
        ]).grant else {
            Issue.record("not a token-exchange request"); return
        }
        #expect(exchange.subjectToken == "t" && exchange.scope == ["x"])
    }

    /// Kept, in the order the grants always checked them, to be answered after the client.
    @Test func aGrantsMistakesAreKeptFirstOneFirst() throws {
        #expect(try failure(["grant_type": "password"]) == .invalidRequest("username is required."))
        #expect(try failure(["grant_type": "password", "username": "a"]) == .invalidRequest("password is required."))
        #expect(try failure(["grant_type": "password", "username": "a", "password": "b", "scope": "a  b"]) == .invalidScope("The scope parameter is malformed."))
        #expect(try failure(["grant_type": "refresh_token", "scope": "\""]) == .invalidRequest("refresh_token is required."))
        #expect(try failure(["grant_type": "authorization_code", "code": "c", "code_verifier": "short"]) == .invalidGrant("The code_verifier is malformed."))
        #expect(try failure(["grant_type": "authorization_code", "code": "c", "code_verifier": String(repeating: "é", count: 50)]) == .invalidGrant("The code_verifier is malformed."))
        let exchange = ["grant_type": GrantType.tokenExchange.rawValue, "subject_token": "t", "subject_token_type": TokenService.accessTokenType]
        #expect(try failure(exchange.merging(["subject_token_type": "urn:x"]) { $1 }) == .invalidRequest("Only access tokens can be exchanged (subject_token_type)."))
        #expect(try failure(exchange.merging(["requested_token_type": "urn:x"]) { $1 }) == .invalidRequest("Only access tokens can be issued (requested_token_type)."))
        #expect(try failure(exchange.merging(["actor_token": "a"]) { $1 }) == .invalidRequest("actor_token is not supported; the client is the actor."))
    }
}
