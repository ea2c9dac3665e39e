import Testing
import WardenClient
import WardenCore
import WardenTesting

/// The README's Swift blocks do what the README says they do (that they compile with exactly
/// their imports is the other files' job).
@Suite struct ReadmeSnippetTests {
    @Test func followingRevocationsWiresTheFeedIntoTheVerifier() async throws {
        let snippet = FollowingRevocationsSnippet()
        #expect(snippet.background.count == 2 && snippet.sameBackground.count == 2)
        #expect(snippet.verifier.configuration.issuer == "https://auth.example.com")
        #expect(snippet.sameVerifier.configuration.audience == "order-service")
    }

    @Test func reportingRefusalsWiresOneReporterIntoBoth() {
        let snippet = ReportingRefusalsSnippet()
        #expect(snippet.background.count == 3)
        #expect(snippet.accepting.refusals != nil)
        #expect(snippet.verifier.configuration.audience == "order-service")
    }

    @Test func testingYourOwnServiceMintsTokensItsVerifierAccepts() async throws {
        let (token, hostile, verifier) = try await testingYourOwnServiceSnippet()
        // Its own verifier accepts its token, and refuses the hostile one.
        #expect(try await verifier.verify(token).subject == "alice")
        await #expect(throws: TokenVerificationError.self) { try await verifier.verify(hostile) }
        let issuer = await TestTokenIssuer(issuer: "https://auth.example.com", audience: "order-service")
        // A token of another test key is refused; the shapes are what the README says.
        await #expect(throws: TokenVerificationError.self) { try await issuer.verifier().verify(token) }
        #expect(token.split(separator: ".").count == 3 && hostile.split(separator: ".").count == 3)
    }
}

/// The README's DPoP block builds a configuration that accepts DPoP and a client with a key.
@Test func theSenderConstrainedTokensSnippetConfiguresBothSides() async throws {
    let (configuration, client) = await senderConstrainedTokensSnippet(secret: "s")
    #expect(configuration.dpop?.targetURI(path: "/payments?x=1") == "https://payments.example.com/payments?x=1")
    #expect(client.dpopKey != nil)
}
