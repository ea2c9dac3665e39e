import AsyncHTTPClient
import Foundation
import NIOCore
import Testing
import WardenClient
import WardenCore

/// What `AuthorizedHTTPClient` refuses before any network: a call to a target that requires
/// signed requests whose body is not given as bytes (it could not be digested and signed).
@Suite struct SignedCallTests {
    @Test func aBodyNotGivenAsBytesCannotBeSigned() async throws {
        let key = try HTTPSignatureKey.hmacSHA256(id: "order-service", secret: Array(repeating: UInt8(3), count: 32))
        let client = AuthorizedHTTPClient(
            identity: ClientIdentity(clientID: "order-service", clientSecret: "unused-secret-0123456789", tokenEndpoint: "http://127.0.0.1:9/oauth2/token"),
            targets: ["payments": ServiceTarget(baseURL: "http://127.0.0.1:9", audience: "payment-service", scopes: ["payment.create"],
                                                tokenSource: .ownIdentity, signer: HTTPRequestSigner(key: key, covering: [SignatureComponent("@method")]))]
        )
        var request = HTTPClientRequest(url: "/payments")
        request.body = .bytes(ByteBuffer(string: "{}"))
        do {
            _ = try await client.execute(request, to: "payments")
            Issue.record("a body not given as bytes was sent unsigned")
        } catch let error as AuthorizedHTTPClientError {
            #expect(error.code == .cannotSign)
            #expect(error.description.contains("give the body as bytes"))
        }
    }
}
