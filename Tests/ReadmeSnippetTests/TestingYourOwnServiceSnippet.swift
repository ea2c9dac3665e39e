import WardenCore
import WardenTesting

// The README's "Testing your own service" block, kept compiling with exactly its imports.
// Tests/Readme/run_readme.py checks that every line of the block appears here in order.

func testingYourOwnServiceSnippet() async throws -> (token: String, hostile: String, verifier: AccessTokenVerifier<StaticKeySet>) {
    let issuer = await TestTokenIssuer(issuer: "https://auth.example.com", audience: "order-service")
    let verifier = issuer.verifier()                        // trusts only this issuer's test key
    let token = try issuer.token(subject: "alice", scope: ["order.read"])
    let hostile = try issuer.signRaw(headerJSON: #"{"alg":"ES256","kid":"test-key"}"#, payloadJSON: "{}")
    return (token, hostile, verifier)
}
