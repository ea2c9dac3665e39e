import ServiceLifecycle
import WardenClient
import WardenCore

// The README's "Following revocations in a resource server" block, kept compiling with exactly
// its imports. Tests/Readme/run_readme.py checks that every line of the block appears here in
// order: change one, change the other.

struct FollowingRevocationsSnippet {
    let verifier: AccessTokenVerifier<RemoteJWKSKeySet>
    let background: [any Service]
    let sameVerifier: AccessTokenVerifier<RemoteJWKSKeySet>
    let sameBackground: [any Service]
    let revocations: RevocationList

    init() {
        // Keys from the JWKS, revoked tokens from the revocation feed, both kept current in the background:
        let auth = AuthorizationServerConnection(issuer: "https://auth.example.com")
        let verifier = auth.verifier(audience: "order-service")     // refuses revoked tokens
        let background: [any Service] = auth.services              // run these in your ServiceGroup

        // The same from its parts:
        let revocations = RevocationList()
        let keys = RemoteJWKSKeySet(url: "https://auth.example.com/oauth2/jwks")
        let sameVerifier = AccessTokenVerifier(
            configuration: .init(issuer: "https://auth.example.com", audience: "order-service"),
            keys: keys,
            revocations: revocations
        )
        let feed = RevocationFeedSubscriber(url: "https://auth.example.com/oauth2/revocations", revocations: revocations)
        let sameBackground: [any Service] = [keys, feed]

        self.verifier = verifier
        self.background = background
        self.sameVerifier = sameVerifier
        self.sameBackground = sameBackground
        self.revocations = revocations
    }
}
