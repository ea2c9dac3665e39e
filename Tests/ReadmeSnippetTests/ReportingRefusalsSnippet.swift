import ServiceLifecycle
import WardenClient
import WardenCore

// The README's "Reporting what a service refuses" block, kept compiling with exactly its
// imports. Tests/Readme/run_readme.py checks that every line of the block appears here in
// order: change one, change the other.

struct ReportingRefusalsSnippet {
    let verifier: AccessTokenVerifier<RemoteJWKSKeySet>
    let accepting: BearerAuthenticatorConfiguration
    let background: [any Service]

    init() {
        let auth = AuthorizationServerConnection(issuer: "https://auth.example.com")
        // The service's own confidential client: reports are sent as it (HTTP Basic).
        let identity = ClientIdentity(clientID: "order-service", clientSecret: "its secret", tokenEndpoint: auth.tokenEndpoint)
        let refusals = auth.securityEvents(identity: identity)
        let verifier = auth.verifier(audience: "order-service", refusals: refusals)   // the 401s
        var accepting = BearerAuthenticatorConfiguration(realm: "orders")
        accepting.refusals = refusals                                                // the 403s, with the route
        let background: [any Service] = auth.services + [refusals]

        self.verifier = verifier
        self.accepting = accepting
        self.background = background
    }
}
