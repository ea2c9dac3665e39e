import Hummingbird
import WardenClient
import WardenCore
import WardenHummingbird

// The README's "Signed requests (HTTP Message Signatures)" block, kept compiling with exactly its
// imports. Tests/Readme/run_readme.py checks that every line of the block appears here in order.

func signedRequestsSnippet(
    router: Router<BearerRequestContext>, authenticator: BearerAuthenticator<BearerRequestContext, RemoteJWKSKeySet>, secret: [UInt8], clientSecret: String
) throws -> AuthorizedHTTPClient {
    // The payment service: the key of each caller it takes signed requests from (by key id),
    // and what a signature must cover (here @method @target-uri content-digest authorization).
    let orderService = try HTTPSignatureKey.hmacSHA256(id: "order-service", secret: secret)
    let signatures = HTTPSignatureRequirement(
        verifier: HTTPSignatureVerifier(policy: .methodTargetDigestAndAuthorization, keys: StaticSignatureKeys([orderService])),
        externalBaseURL: "https://payments.example.com", realm: "payments"      // the URL callers use
    )
    router.protected("payments", by: authenticator, requiring: .allOf("payment.create"))
        .requiringSignature(signatures)                                         // token, then signature, then scopes
        .post { request, context, auth in "paid" }

    // The order service: every call to "payments" signed with its key.
    let client = AuthorizedHTTPClient(
        identity: ClientIdentity(clientID: "order-service", clientSecret: clientSecret, tokenEndpoint: "https://auth.example.com/oauth2/token"),
        targets: ["payments": ServiceTarget(
            baseURL: "https://payments.example.com", audience: "payment-service", scopes: ["payment.create"], tokenSource: .exchangingIncomingToken,
            signer: HTTPRequestSigner(key: orderService, covering: [SignatureComponent("@method"), SignatureComponent("@target-uri"), SignatureComponent("content-digest")])
        )]
    )
    // A call with a body gives it as bytes (for its Content-Digest and signature):
    // try await client.collect(request, body: Array(json), to: "payments")
    return client
}
