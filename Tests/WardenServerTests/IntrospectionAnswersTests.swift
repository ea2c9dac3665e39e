import Foundation
import Testing
import WardenCore
@testable import WardenServer

/// `IntrospectionAnswers`: an active token's answer built once, only ever handed out for that
/// very token, bounded. (That every check still runs before a kept answer is handed out —
/// expiry, audience, revocation — is shown end to end in `IntrospectionAndRevocationTests`.)
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
        let first = answers.answer(for: Self.claims(), token: "header.payload-1.signature", build: build)
        let second = answers.answer(for: Self.claims(), token: "header.payload-1.signature", build: build)
        #expect(builds == 1)
        #expect(first == second)
        #expect(first == IntrospectionService.activeAnswer(Self.claims()))
        _ = answers.answer(for: Self.claims(jti: "j-2"), token: "header.payload-2.signature", build: build)
        #expect(builds == 2)
    }

    /// A `jti` seen again on another token (another issuer's keys, fixed ids in a test) gets its
    /// own answer, never the first token's — also when the two differ only in text that
    /// `String`'s `==` takes for the same (canonically equivalent: "é" composed or not).
    @Test func aReusedTokenIDNeverGetsAnotherTokensAnswer() throws {
        let answers = IntrospectionAnswers()
        let alice = answers.answer(for: Self.claims(subject: "alice"), token: "h.alice.s", build: IntrospectionService.activeAnswer)
        let bob = answers.answer(for: Self.claims(subject: "bob"), token: "h.bob.s", build: IntrospectionService.activeAnswer)
        let broader = answers.answer(for: Self.claims(subject: "bob", scope: ["orders.read", "orders.write"]), token: "h.bob-broader.s", build: IntrospectionService.activeAnswer)
        #expect(alice != bob)
        #expect(bob != broader)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(broader)) as? [String: Any])
        #expect(json["sub"] as? String == "bob")
        #expect(json["scope"] as? String == "orders.read orders.write")
        #expect(json["active"] as? Bool == true)

        let composed = "h.caf\u{E9}.s", decomposed = "h.cafe\u{301}.s"
        #expect(composed == decomposed)  // what `==` would have said
        let first = answers.answer(for: Self.claims(jti: "j-9", subject: "caf\u{E9}"), token: composed, build: IntrospectionService.activeAnswer)
        let second = answers.answer(for: Self.claims(jti: "j-9", subject: "cafe\u{301}"), token: decomposed, build: IntrospectionService.activeAnswer)
        #expect(first != second)
        #expect(second == IntrospectionService.activeAnswer(Self.claims(jti: "j-9", subject: "cafe\u{301}")))
    }

    @Test func answersAreBounded() {
        let answers = IntrospectionAnswers(capacity: 3)
        for index in 0..<10 { _ = answers.answer(for: Self.claims(jti: "j-\(index)"), token: "h.\(index).s", build: IntrospectionService.activeAnswer) }
        #expect(answers.count == 3)
        var builds = 0
        let counting = { (claims: AccessTokenClaims) -> [UInt8] in builds += 1; return IntrospectionService.activeAnswer(claims) }
        let none = IntrospectionAnswers(capacity: 0)
        for _ in 0..<3 { _ = none.answer(for: Self.claims(), token: "h.p.s", build: counting) }
        #expect(builds == 3)
        #expect(none.count == 0)
        // Tokens over the size bound are answered afresh and not kept.
        let small = IntrospectionAnswers(capacity: 10, maximumTokenSize: 16)
        builds = 0
        for _ in 0..<3 { _ = small.answer(for: Self.claims(), token: String(repeating: "x", count: 17), build: counting) }
        #expect(builds == 3)
        #expect(small.count == 0)
    }
}
