import Foundation
import Testing
import WardenCore
@testable import WardenServer

/// `IntrospectionAnswers`: an active token's answer built once, never another token's, bounded.
/// (That every check still runs before a kept answer is handed out — expiry, audience,
/// revocation — is shown end to end in `IntrospectionAndRevocationTests`.)
@Suite struct IntrospectionAnswersTests {
    static func claims(jti: String = "j-1", subject: String = "alice", scope: ScopeSet = ["orders.read"]) -> AccessTokenClaims {
        AccessTokenClaims(
            issuer: "https://auth.example.com", subject: subject, audience: ["orders"],
            expiresAt: Date(timeIntervalSince1970: 2_000_000_000), issuedAt: Date(timeIntervalSince1970: 1_999_999_700),
            tokenID: jti, clientID: "shop-web", scope: scope
        )
    }

    @Test func anAnswerIsBuiltOncePerToken() {
        let answers = IntrospectionAnswers()
        var builds = 0
        let build = { (claims: AccessTokenClaims) -> [UInt8] in builds += 1; return IntrospectionService.activeAnswer(claims) }
        let first = answers.answer(for: Self.claims(), build: build)
        let second = answers.answer(for: Self.claims(), build: build)
        #expect(builds == 1)
        #expect(first == second)
        #expect(first == IntrospectionService.activeAnswer(Self.claims()))
        _ = answers.answer(for: Self.claims(jti: "j-2"), build: build)
        #expect(builds == 2)
    }

    /// A `jti` seen again with other claims (another issuer's keys, fixed ids in a test) is
    /// another token: its own answer, and the first token's is not handed to it.
    @Test func aReusedTokenIDNeverGetsAnotherTokensAnswer() throws {
        let answers = IntrospectionAnswers()
        let alice = answers.answer(for: Self.claims(subject: "alice"), build: IntrospectionService.activeAnswer)
        let bob = answers.answer(for: Self.claims(subject: "bob"), build: IntrospectionService.activeAnswer)
        let broader = answers.answer(for: Self.claims(subject: "bob", scope: ["orders.read", "orders.write"]), build: IntrospectionService.activeAnswer)
        #expect(alice != bob)
        #expect(bob != broader)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(broader)) as? [String: Any])
        #expect(json["sub"] as? String == "bob")
        #expect(json["scope"] as? String == "orders.read orders.write")
        #expect(json["active"] as? Bool == true)
    }

    @Test func answersAreBounded() {
        let answers = IntrospectionAnswers(capacity: 3)
        for index in 0..<10 { _ = answers.answer(for: Self.claims(jti: "j-\(index)"), build: IntrospectionService.activeAnswer) }
        #expect(answers.count == 3)
        let none = IntrospectionAnswers(capacity: 0)
        var builds = 0
        for _ in 0..<3 { _ = none.answer(for: Self.claims(), build: { builds += 1; return IntrospectionService.activeAnswer($0) }) }
        #expect(builds == 3)
        #expect(none.count == 0)
    }
}
