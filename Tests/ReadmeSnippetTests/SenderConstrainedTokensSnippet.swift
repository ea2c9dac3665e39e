import WardenClient
import WardenCore

// The README's "Sender-constrained tokens (DPoP)" block, kept compiling with exactly its
// imports. Tests/Readme/run_readme.py checks that every line of the block appears here in order.

func senderConstrainedTokensSnippet(secret: String) async -> (BearerAuthenticatorConfiguration, AuthorizedHTTPClient) {
    // A resource server that accepts DPoP-bound tokens (give this configuration to
    // Hummingbird's BearerAuthenticator or Vapor's BearerMiddleware):
    var configuration = BearerAuthenticatorConfiguration(realm: "payments")
    configuration.dpop = DPoPAcceptance(externalBaseURL: "https://payments.example.com")   // the URL clients use

    // A service that calls with DPoP-bound tokens: its own key, kept while it runs.
    let key = await DPoPProofSigner.generateES256()
    let client = AuthorizedHTTPClient(
        identity: ClientIdentity(clientID: "order-service", clientSecret: secret, tokenEndpoint: "https://auth.example.com/oauth2/token"),
        targets: ["payments": ServiceTarget(baseURL: "https://payments.example.com", audience: "payment-service",
                                            scopes: ["payment.create"], tokenSource: .exchangingIncomingToken)],
        dpopKey: key                                                              // bound tokens, a proof per call
    )
    return (configuration, client)
}
