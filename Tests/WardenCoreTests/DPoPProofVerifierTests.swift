import Crypto
import Foundation
import Testing
@testable import WardenCore

/// DPoP proofs (RFC 9449 §4.3): every check, each with its negative case, and RFC 9449's and
/// RFC 7638's own examples.
@Suite struct DPoPProofVerifierTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let uri = "https://api.example.com/orders"

    func verifier(_ configure: (inout DPoPProofVerifierConfiguration) -> Void = { _ in }) -> DPoPProofVerifier {
        var configuration = DPoPProofVerifierConfiguration()
        configure(&configuration)
        return DPoPProofVerifier(configuration: configuration, timeSource: .fixed(Self.now))
    }

    /// A proof with the given header and claims, signed by `signer` (whatever they say).
    func rawProof(_ signer: DPoPProofSigner, header: [String: JSONValue], claims: [String: JSONValue]) throws -> String {
        let input = Base64URL.encode(JSONValue.object(header).serialized()) + "." + Base64URL.encode(JSONValue.object(claims).serialized())
        return input + "." + Base64URL.encode(try signer.key.sign(Array(input.utf8)))
    }

    func header(_ signer: DPoPProofSigner) -> [String: JSONValue] {
        ["typ": "dpop+jwt", "alg": .string(signer.key.algorithm.jwsName), "jwk": .object(signer.publicJWK)]
    }

    func claims(jti: String = UUID().uuidString) -> [String: JSONValue] {
        ["jti": .string(jti), "htm": "POST", "htu": .string(Self.uri), "iat": .number(Self.now.timeIntervalSince1970)]
    }

    func refusal(_ body: () async throws(DPoPProofError) -> Void) async -> DPoPProofError.Reason? {
        do { try await body() } catch { return error.reason }
        return nil
    }

    @Test func theThumbprintsOfRFC9449AndRFC7638() {
        // RFC 9449 §4.1's key, whose thumbprint §6.1 shows as cnf.jkt.
        let jwk: [String: JSONValue] = [
            "kty": "EC", "crv": "P-256", "kid": "ignored",
            "x": "l8tFrhx-34tV3hRICRDY9zCkDlpBhF42UQUfWVAWBFs", "y": "9VE4jf_Ok_o64zbTTlcuNJajHmt6v9TDVrU0CdvGRDA",
        ]
        #expect(JWKThumbprint.sha256(of: jwk) == "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I")
        #expect(JWKThumbprint.sha256(of: ["kty": "oct", "k": "c2VjcmV0"]) == nil)
        #expect(JWKThumbprint.sha256(of: ["kty": "EC", "crv": "P-256", "x": "AA"]) == nil)
    }

    @Test func aProofFromTheSignerPassesAndGivesItsKeysThumbprint() async throws {
        for signer in [await DPoPProofSigner.generateES256(), try DPoPProofSigner(key: await SigningKey.generateEdDSA())] {
            let proof = try signer.proof(method: "POST", uri: Self.uri + "?page=2#top", accessToken: "the-token", nonce: "n1", issuedAt: Self.now)
            let verified = try await verifier().verify(proof, method: "POST", uri: "HTTPS://API.example.com:443/orders?other=1", accessToken: "the-token") { $0 == "n1" }
            #expect(verified.keyThumbprint == signer.thumbprint)
            #expect(verified.nonce == "n1")
            #expect(verified.algorithm == signer.key.algorithm)
        }
    }

    @Test func eachCheckRefusesItsCase() async throws {
        let signer = await DPoPProofSigner.generateES256()
        let verifier = verifier()
        func check(_ proof: String, method: String = "POST", uri: String = Self.uri, accessToken: String? = nil, nonce: (@Sendable (String?) -> Bool)? = nil) async -> DPoPProofError.Reason? {
            await refusal { () async throws(DPoPProofError) in _ = try await verifier.verify(proof, method: method, uri: uri, accessToken: accessToken, isAcceptedNonce: nonce) }
        }
        let good = try rawProof(signer, header: header(signer), claims: claims())
        // Step 2: not a JWS, not canonical, not JSON, too large.
        #expect(await check("a.b") == .malformed)
        #expect(await check(good + ".x") == .malformed)
        #expect(await check(good.replacingOccurrences(of: ".", with: "=.")) == .malformed)
        #expect(await check(Base64URL.encode(Array("[1]".utf8)) + ".e30.AAAA") == .malformed)
        #expect(await check(String(repeating: "a", count: 9000)) == .malformed)
        // Duplicate member names (strict JSON).
        let duplicate = Base64URL.encode(Array(#"{"typ":"dpop+jwt","typ":"x"}"#.utf8)) + ".e30.AAAA"
        #expect(await check(duplicate) == .malformed)
        // Step 4: typ.
        var wrongType = header(signer); wrongType["typ"] = "JWT"
        #expect(await check(try rawProof(signer, header: wrongType, claims: claims())) == .wrongType)
        // Step 5: none, HMAC, unknown, and one not accepted here.
        for alg in ["none", "HS256", "XX", "ES256K"] {
            var h = header(signer); h["alg"] = .string(alg)
            #expect(await check(try rawProof(signer, header: h, claims: claims())) == .unsupportedAlgorithm, "\(alg)")
        }
        let onlyEdDSA = self.verifier { $0.acceptedAlgorithms = [.eddsa] }
        #expect(await refusal { () async throws(DPoPProofError) in _ = try await onlyEdDSA.verify(good, method: "POST", uri: Self.uri) } == .unsupportedAlgorithm)
        // crit.
        var critical = header(signer); critical["crit"] = .array(["exp"])
        #expect(await check(try rawProof(signer, header: critical, claims: claims())) == .criticalHeader)
        // Step 7: no key, a private key, a symmetric key, another algorithm's key.
        var noKey = header(signer); noKey["jwk"] = nil
        #expect(await check(try rawProof(signer, header: noKey, claims: claims())) == .invalidKey)
        var withPrivate = header(signer); withPrivate["jwk"] = .object(signer.publicJWK.merging(["d": "AAAA"]) { $1 })
        #expect(await check(try rawProof(signer, header: withPrivate, claims: claims())) == .privateKey)
        var symmetric = header(signer); symmetric["jwk"] = .object(["kty": "oct", "k": "c2VjcmV0"])
        #expect(await check(try rawProof(signer, header: symmetric, claims: claims())) == .privateKey)
        let other = try DPoPProofSigner(key: await SigningKey.generateEdDSA())
        var mismatched = header(signer); mismatched["jwk"] = .object(other.publicJWK)
        #expect(await check(try rawProof(signer, header: mismatched, claims: claims())) == .invalidKey)
        // Step 6: signed by another key than the one it carries.
        #expect(await check(try rawProof(await DPoPProofSigner.generateES256(), header: header(signer), claims: claims())) == .badSignature)
        // Step 3: each required claim.
        for name in ["jti", "htm", "htu", "iat"] {
            var c = claims(); c[name] = nil
            #expect(await check(try rawProof(signer, header: header(signer), claims: c)) == .missingClaim, "\(name)")
        }
        var numericJTI = claims(); numericJTI["jti"] = .number(1)
        #expect(await check(try rawProof(signer, header: header(signer), claims: numericJTI)) == .missingClaim)
        // Step 8: the method, exactly.
        #expect(await check(try rawProof(signer, header: header(signer), claims: claims()), method: "GET") == .wrongMethod)
        #expect(await check(try rawProof(signer, header: header(signer), claims: claims()), method: "post") == .wrongMethod)
        // Step 9: the URI.
        #expect(await check(try rawProof(signer, header: header(signer), claims: claims()), uri: "https://api.example.com/orders/1") == .wrongURI)
        #expect(await check(try rawProof(signer, header: header(signer), claims: claims()), uri: "http://api.example.com/orders") == .wrongURI)
        #expect(await check(try rawProof(signer, header: header(signer), claims: claims()), uri: "https://evil.example.com/orders") == .wrongURI)
        // Step 10: the nonce.
        #expect(await check(try rawProof(signer, header: header(signer), claims: claims()), nonce: { $0 == "fresh" }) == .nonceRequired)
        // Step 11: too old, too far ahead (the window is 60 s, the skew 5 s).
        var old = claims(); old["iat"] = .number(Self.now.timeIntervalSince1970 - 61)
        #expect(await check(try rawProof(signer, header: header(signer), claims: old)) == .outsideTimeWindow)
        var ahead = claims(); ahead["iat"] = .number(Self.now.timeIntervalSince1970 + 6)
        #expect(await check(try rawProof(signer, header: header(signer), claims: ahead)) == .outsideTimeWindow)
        // Step 12: ath missing or for another token.
        #expect(await check(try rawProof(signer, header: header(signer), claims: claims()), accessToken: "t") == .missingClaim)
        var otherToken = claims(); otherToken["ath"] = .string(DPoPProofVerifier.accessTokenHash("other"))
        #expect(await check(try rawProof(signer, header: header(signer), claims: otherToken), accessToken: "t") == .accessTokenMismatch)
        // §11.1: once only.
        #expect(await check(good) == nil)
        #expect(await check(good) == .replayed)
    }

    /// A client's later proofs reuse what its header decided (the key), and nothing is skipped:
    /// the signature and every claim are checked each time; refused headers are not kept; the
    /// memory is bounded.
    @Test func aDecidedHeaderIsReusedButNeverSparesTheSignatureOrTheClaims() async throws {
        let signer = await DPoPProofSigner.generateES256()
        let verifier = verifier { $0.headerCacheCapacity = 2 }
        func check(_ proof: String, method: String = "POST") async -> DPoPProofError.Reason? {
            await refusal { () async throws(DPoPProofError) in _ = try await verifier.verify(proof, method: method, uri: Self.uri) }
        }
        for _ in 0..<3 {
            let proof = try rawProof(signer, header: header(signer), claims: claims())
            #expect(try await verifier.verify(proof, method: "POST", uri: Self.uri).keyThumbprint == signer.thumbprint)
        }
        #expect(verifier.headers.count == 1)
        // The same header with another key's signature: refused, though the header is known.
        let other = await DPoPProofSigner.generateES256()
        let forged = try rawProof(signer, header: header(signer), claims: claims())
        let otherSignature = try rawProof(other, header: header(signer), claims: claims()).split(separator: ".")[2]
        let parts = forged.split(separator: ".")
        let resigned = "\(parts[0]).\(parts[1]).\(otherSignature)"
        #expect(await check(resigned) == .badSignature)
        // Known header, wrong method, or replayed: refused as before.
        let proof = try rawProof(signer, header: header(signer), claims: claims())
        #expect(await check(proof, method: "GET") == .wrongMethod)
        #expect(try await verifier.verify(proof, method: "POST", uri: Self.uri).keyThumbprint == signer.thumbprint)
        #expect(await check(proof) == .replayed)
        // A refused header is not kept.
        var badHeader = header(other)
        badHeader["typ"] = "jwt"
        let wrongType = try rawProof(other, header: badHeader, claims: claims())
        #expect(await check(wrongType) == .wrongType)
        #expect(verifier.headers.count == 1)
        // Bounded: three clients, room for two; each still verifies.
        for client in [other, await DPoPProofSigner.generateES256(), signer] {
            let proof = try rawProof(client, header: header(client), claims: claims())
            #expect(try await verifier.verify(proof, method: "POST", uri: Self.uri).keyThumbprint == client.thumbprint)
            #expect(verifier.headers.count <= 2)
        }
    }

    /// The header cache compares bytes: a header spelled with U+212A (KELVIN SIGN, canonically
    /// equal to `K` for Swift's `String`) is not base64url, cached header or not.
    @Test func aHeaderCanonicallyEqualToACachedOneIsStillRefused() async throws {
        var signer = await DPoPProofSigner.generateES256()
        while !(try signer.proof(method: "POST", uri: Self.uri).split(separator: ".")[0].contains("K")) { signer = await DPoPProofSigner.generateES256() }
        let verifier = verifier()
        func check(_ proof: String) async -> DPoPProofError.Reason? {
            await refusal { () async throws(DPoPProofError) in _ = try await verifier.verify(proof, method: "POST", uri: Self.uri) }
        }
        let good = try rawProof(signer, header: header(signer), claims: claims())
        #expect(await check(good) == nil)
        let parts = try rawProof(signer, header: header(signer), claims: claims()).split(separator: ".")
        let kelvinHeader = String(parts[0]).replacingOccurrences(of: "K", with: "\u{212A}")
        let input = kelvinHeader + "." + parts[1]
        let forged = input + "." + Base64URL.encode(try signer.key.sign(Array(input.utf8)))
        #expect(await check(forged) == .malformed)
    }

    @Test func targetURIsAreComparedNormalised() {
        let same = [
            ("https://Example.COM/a/b", "https://example.com/a/b"),
            ("https://example.com:443/a", "https://example.com/a"),
            ("http://example.com:80", "http://example.com/"),
            ("https://example.com/a/./b/../c", "https://example.com/a/c"),
            ("https://example.com/%7euser/%2f", "https://example.com/~user/%2F"),
            ("https://example.com/a?x=1#f", "https://example.com/a"),
        ]
        for (a, b) in same { #expect(DPoPTargetURI.normalized(a) == DPoPTargetURI.normalized(b), "\(a) vs \(b)") }
        let different = [
            ("https://example.com/a", "https://example.com/a/"),
            ("https://example.com:8443/a", "https://example.com/a"),
            ("https://example.com/A", "https://example.com/a"),
        ]
        for (a, b) in different { #expect(DPoPTargetURI.normalized(a) != DPoPTargetURI.normalized(b), "\(a) vs \(b)") }
        for bad in ["/relative", "ftp://example.com/x", "https://user@example.com/", "https:///nohost", "not a uri"] {
            #expect(DPoPTargetURI.normalized(bad) == nil, "\(bad)")
        }
    }

    /// Bounded, and never failing open: an entry inside its window is never dropped to make
    /// room (a review showed a flood of proofs would otherwise make a captured one replayable);
    /// when full of live entries, new proofs are turned away until some expire.
    @Test func theReplayCacheIsBoundedAndNeverForgetsALiveProof() {
        let cache = ReplayMemory(capacity: 3)
        let t0 = Self.now
        #expect(cache.insert("a", expires: t0.addingTimeInterval(60), now: t0) == .inserted)
        #expect(cache.insert("a", expires: t0.addingTimeInterval(60), now: t0.addingTimeInterval(1)) == .seen)
        #expect(cache.insert("b", expires: t0.addingTimeInterval(60), now: t0) == .inserted)
        #expect(cache.insert("c", expires: t0.addingTimeInterval(60), now: t0) == .inserted)
        // Full of live entries: turned away, and "a" is still remembered.
        for index in 0..<10_000 { #expect(cache.insert("flood\(index)", expires: t0.addingTimeInterval(60), now: t0) == .full) }
        #expect(cache.insert("a", expires: t0.addingTimeInterval(60), now: t0.addingTimeInterval(2)) == .seen)
        #expect(cache.count == 3)
        // Once they expire, room again; an expired key may be used again.
        #expect(cache.insert("d", expires: t0.addingTimeInterval(200), now: t0.addingTimeInterval(100)) == .inserted)
        #expect(cache.insert("a", expires: t0.addingTimeInterval(200), now: t0.addingTimeInterval(100)) == .inserted)
        #expect(cache.count == 2)
    }

    @Test func aFullReplayCacheRefusesProofsAsBusy() async throws {
        let verifier = verifier { $0.replayCacheCapacity = 2 }
        let signer = await DPoPProofSigner.generateES256()
        for _ in 0..<2 { _ = try await verifier.verify(try rawProof(signer, header: header(signer), claims: claims()), method: "POST", uri: Self.uri) }
        let third = try rawProof(signer, header: header(signer), claims: claims())
        #expect(await refusal { () async throws(DPoPProofError) in _ = try await verifier.verify(third, method: "POST", uri: Self.uri) } == .replayCacheFull)
    }

    /// One RSA key has one thumbprint: a modulus with a leading zero octet is refused
    /// (RFC 7518 §6.3.1.1, RFC 7638 §3.3).
    @Test func anRSAModulusWithALeadingZeroIsRefused() async throws {
        let jwk: [String: JSONValue] = ["kty": "RSA", "e": "AQAB", "n": .string(Base64URL.encode([0] + [UInt8](repeating: 0xC5, count: 256)))]
        await #expect(throws: KeyConfigurationError.self) { _ = try await JSONWebKeySet.verificationKey(jwk: jwk, id: "k", algorithm: "RS256") }
    }

    /// RFC 9449 §4.1's example proof, checked at its own time.
    @Test func theExampleProofOfRFC9449() async throws {
        let proof = "eyJ0eXAiOiJkcG9wK2p3dCIsImFsZyI6IkVTMjU2IiwiandrIjp7Imt0eSI6IkVDIiwieCI6Imw4dEZyaHgtMzR0VjNoUklDUkRZOXpDa0RscEJoRjQyVVFVZldWQVdCRnMiLCJ5IjoiOVZFNGpmX09rX282NHpiVFRsY3VOSmFqSG10NnY5VERWclUwQ2R2R1JEQSIsImNydiI6IlAtMjU2In19.eyJqdGkiOiItQndDM0VTYzZhY2MybFRjIiwiaHRtIjoiUE9TVCIsImh0dSI6Imh0dHBzOi8vc2VydmVyLmV4YW1wbGUuY29tL3Rva2VuIiwiaWF0IjoxNTYyMjYyNjE2fQ.2-GxA6T8lP4vfrg8v-FdWP0A0zdrj8igiMLvqRMUvwnQg4PtFLbdLXiOSsX0x7NVY-FNyJK70nfbV37xRZT3Lg"
        let verifier = DPoPProofVerifier(timeSource: .fixed(Date(timeIntervalSince1970: 1_562_262_616)))
        let verified = try await verifier.verify(proof, method: "POST", uri: "https://server.example.com/token")
        #expect(verified.keyThumbprint == "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I")
        #expect(verified.proofID == "-BwC3ESc6acc2lTc")
    }
}

/// Server nonces (RFC 9449 §8): this window's and the previous one's are accepted, nothing else.
@Suite struct DPoPNoncesTests {
    @Test func aNonceLivesItsWindowAndTheNext() {
        let key = SymmetricKey(size: .bits256)
        let t0 = Date(timeIntervalSince1970: 1_800_000_000)
        let issued = DPoPNonces(key: key, window: .seconds(60), timeSource: .fixed(t0)).current()
        func accepted(at offset: TimeInterval, key: SymmetricKey = key) -> Bool {
            DPoPNonces(key: key, window: .seconds(60), timeSource: .fixed(t0.addingTimeInterval(offset))).accepts(issued)
        }
        #expect(accepted(at: 0))
        #expect(accepted(at: 60))
        #expect(!accepted(at: 120))
        #expect(!accepted(at: 0, key: SymmetricKey(size: .bits256)))
        #expect(!DPoPNonces(key: key, timeSource: .fixed(t0)).accepts(nil))
    }
}
