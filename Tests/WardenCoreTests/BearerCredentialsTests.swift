import Foundation
import Testing
@testable import WardenCore

/// The `Authorization` header scan (a hand-written single pass since issue 16) against the
/// plain reading it replaced, kept here as the reference: the same token, `nil` or refusal for
/// every header, on fixed cases and 200,000 random ones.
@Suite struct BearerCredentialsTests {
    enum Outcome: Equatable {
        case none, token(String, dpop: Bool), refused

        /// Tokens compared byte for byte, not as `String`s (which equal canonically equivalent
        /// text): the token is a part of the field's value (issue 16), which must be exactly the
        /// scanned bytes.
        static func == (lhs: Outcome, rhs: Outcome) -> Bool {
            switch (lhs, rhs) {
            case (.none, .none), (.refused, .refused): true
            case (.token(let left, let leftDPoP), .token(let right, let rightDPoP)): leftDPoP == rightDPoP && Array(left.utf8) == Array(right.utf8)
            default: false
            }
        }
    }

    /// The reference: trim SP/HTAB, split at the first space, the scheme lowercased, the rest
    /// after more spaces a b64token.
    static func reference(_ header: String, acceptsDPoP: Bool) -> Outcome {
        let isWhitespace = { (byte: UInt8) in byte == 0x20 || byte == 0x09 }
        let utf8 = Array(Array(header.utf8).drop(while: isWhitespace).reversed().drop(while: isWhitespace).reversed())
        func isOurs(_ scheme: [UInt8]) -> Bool {
            let lower = scheme.map { (0x41...0x5A).contains($0) ? $0 | 0x20 : $0 }
            return lower == Array("bearer".utf8) || (acceptsDPoP && lower == Array("dpop".utf8))
        }
        guard let space = utf8.firstIndex(of: 0x20) else { return isOurs(utf8) ? .refused : .none }
        let scheme = Array(utf8[..<space])
        guard isOurs(scheme) else { return .none }
        let rest = Array(utf8[space...].drop { $0 == 0x20 })
        var seenPadding = false
        var count = 0
        for byte in rest {
            if byte == UInt8(ascii: "=") { seenPadding = true; continue }
            let allowed = (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || (0x30...0x39).contains(byte) || Array("-._~+/".utf8).contains(byte)
            guard allowed, !seenPadding else { return .refused }
            count += 1
        }
        guard count > 0 else { return .refused }
        let isDPoP = scheme.map { $0 | 0x20 } == Array("dpop".utf8)
        return .token(String(decoding: rest, as: UTF8.self), dpop: isDPoP)
    }

    /// A verifier with no keys and an empty cache: every token is a miss, so `BearerGate` makes
    /// the deferred syntax check (then refuses as malformed, or waits for a key: `nil`).
    static let keyless = AccessTokenVerifier(configuration: .init(issuer: "https://warden.test", audience: "test-api"), keys: try! StaticKeySet([]))

    /// The scan's outcome; `deferred`: with a Bearer token's syntax left to later
    /// (`deferringTokenSyntax`, issue 16), then given to `BearerGate`, which checks it on a cache
    /// miss (a 400 there is `.refused`; a 401 or a wait for a key means it got past the syntax).
    static func actual(_ header: String, acceptsDPoP: Bool, deferred: Bool = false) -> Outcome {
        var configuration = BearerAuthenticatorConfiguration(realm: "r")
        configuration.dpop = acceptsDPoP ? DPoPAcceptance(externalBaseURL: "https://api.example") : nil
        let credentials = BearerCredentials(configuration: configuration)
        do {
            let found = deferred
                ? try credentials.presented(authorizationHeaders: [header], queryTokens: [], deferringTokenSyntax: true)
                : try credentials.presented(authorizationHeaders: [header], queryTokens: [])
            guard let presented = found else { return .none }
            // Only a Bearer token is ever left unchecked.
            if !presented.isSyntaxChecked {
                guard deferred, !presented.isDPoP else { return .token("unchecked where it must not be", dpop: presented.isDPoP) }
                do {
                    _ = try BearerGate.verifyWithoutSuspending(presented, with: keyless, configuration: configuration)
                } catch where error.statusCode == 400 {
                    return .refused
                } catch {}
            }
            return .token(presented.value, dpop: presented.isDPoP)
        } catch {
            return .refused
        }
    }

    @Test func fixedCases() {
        let cases: [(String, Outcome)] = [
            ("Bearer abc", .token("abc", dpop: false)),
            ("  bEaReR   abc.def-_~+/==  \t", .token("abc.def-_~+/==", dpop: false)),
            ("Bearer", .refused),
            ("Bearer ", .refused),
            ("Bearer ==", .refused),
            ("Bearer a=b", .refused),
            ("Bearer a b", .refused),
            ("Bearer\tabc", .none),
            ("Basic abc", .none),
            ("DPoP abc", .token("abc", dpop: true)),
            ("Bearér abc", .none),
            ("\u{212A}earer abc", .none),
            ("", .none),
            ("Bearer abc\u{0}", .refused),
        ]
        for (header, expected) in cases {
            #expect(Self.actual(header, acceptsDPoP: true) == expected, "\(header.debugDescription)")
            #expect(Self.actual(header, acceptsDPoP: true, deferred: true) == expected, "deferred \(header.debugDescription)")
            #expect(Self.reference(header, acceptsDPoP: true) == expected, "\(header.debugDescription)")
        }
        #expect(Self.actual("DPoP abc", acceptsDPoP: false) == .none)
    }

    @Test func randomHeadersAgreeWithTheReference() {
        var random = SplitMix64(seed: 16)
        let pieces = ["Bearer", "bearer", "BEARER", "DPoP", "dpop", "Basic", " ", " ", "\t", "a", "Z", "0", "=", "==", ".", "-", "_", "~", "+", "/", "%", "é", "\u{212A}", "\u{0}", "\"", ",", "abcDEF123", "\u{301}", "e\u{301}"]
        for _ in 0..<200_000 {
            let count = Int.random(in: 0...8, using: &random)
            let header = (0..<count).map { _ in pieces.randomElement(using: &random)! }.joined()
            let acceptsDPoP = Bool.random(using: &random)
            let expected = Self.reference(header, acceptsDPoP: acceptsDPoP)
            #expect(Self.actual(header, acceptsDPoP: acceptsDPoP) == expected, "\(header.debugDescription)")
            #expect(Self.actual(header, acceptsDPoP: acceptsDPoP, deferred: true) == expected, "deferred \(header.debugDescription)")
        }
    }

    /// The b64token check (four table answers kept apart, then a tail): every byte value at every
    /// position of tokens of every length past two strides, padded or not, against the rule.
    @Test func everyByteAtEveryPositionOfShortTokens() {
        let allowed = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~+/".utf8)
        for length in 1...13 {
            for position in 0..<length {
                for byte in UInt8.min...UInt8.max {
                    var token = [UInt8](repeating: UInt8(ascii: "a"), count: length)
                    token[position] = byte
                    for padding in [0, 2] {
                        let bytes = token + [UInt8](repeating: UInt8(ascii: "="), count: padding)
                        // Padding only at the end: a `=` inside is refused, a token of only `=` too.
                        var end = bytes.count
                        while end > 0, bytes[end - 1] == UInt8(ascii: "=") { end -= 1 }
                        let expected = end > 0 && bytes[..<end].allSatisfy(allowed.contains)
                        #expect(bytes.withUnsafeBufferPointer(BearerCredentials.isB64Token) == expected, "\(bytes)")
                    }
                }
            }
        }
    }
}
