import WardenTesting

/// A ``TestTokenIssuer`` held by a class, for tests whose nested async closures mint tokens
/// (see `SecurityEventTests.refusalsAtAServiceBecomeAlertsAtTheServer`).
final class TokenIssuerBox: Sendable {
    let issuer: TestTokenIssuer

    init(_ issuer: TestTokenIssuer) {
        self.issuer = issuer
    }
}
