import Foundation
import Testing
import WardenTesting

@testable import WardenCore

/// The verified-token cache itself (issue 16: found by the token's last 8 bytes, confirmed by
/// the signed part byte for byte and a keyed hash of the signature): only exactly
/// the cached token's bytes are answered, whatever part of it another token shares.
@Suite struct VerifiedTokenCacheTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func cached(_ token: String, in cache: VerifiedTokenCache) async throws -> VerifiedAccessToken {
        let issuer = await TestTokenIssuer()
        let verified = try await issuer.verifier(configure: { $0.cacheCapacity = 0 }).verify(try issuer.token())
        Array(token.utf8).withUnsafeBytes { cache.insert(verified, for: $0, validUntil: now.addingTimeInterval(60), revocationGeneration: 7, verifiedWith: issuer.signingKey.verificationKey, key: nil) }
        return verified
    }

    func answers(_ cache: VerifiedTokenCache, _ token: String) -> Bool {
        cache.lookup(token, now: now) != nil
    }

    /// An ES256-shaped token: 86 signature characters, the first 78 of them before the key.
    let es256 = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9." + String(repeating: "AbCd", count: 21) + "Ef"

    @Test func answersExactlyTheCachedBytes() async throws {
        let cache = VerifiedTokenCache()
        let verified = try await cached(es256, in: cache)
        #expect(cache.lookup(es256, now: now)?.token.tokenID == verified.tokenID)
        let bytes = Array(es256.utf8)
        let dot = bytes.lastIndex(of: UInt8(ascii: "."))!
        var variants: [String: [UInt8]] = [:]
        // The signature's first character (outside the key: same key, same signed part;
        // only the signature's own hash tells them apart).
        var signatureStart = bytes
        signatureStart[dot + 1] = UInt8(ascii: "B")
        variants["first signature character"] = signatureStart
        var signatureEnd = bytes
        signatureEnd[bytes.count - 1] = UInt8(ascii: "g")
        variants["last signature character"] = signatureEnd
        var payloadEnd = bytes
        payloadEnd[dot - 1] = UInt8(ascii: "A")
        variants["payload's last character"] = payloadEnd
        var header = bytes
        header[0] = UInt8(ascii: "f")
        variants["header's first character"] = header
        var separator = bytes
        separator[dot] = UInt8(ascii: "A")
        variants["the separator"] = separator
        variants["one more byte"] = bytes + [UInt8(ascii: "A")]
        variants["one more dot"] = bytes + [UInt8(ascii: ".")]
        variants["one byte less"] = Array(bytes.dropLast())
        variants["the signed part only"] = Array(bytes[..<dot])
        variants["the signed part and its dot"] = Array(bytes[...dot])
        variants["a byte in front"] = [UInt8(ascii: "e")] + bytes
        variants["the signature only"] = Array(bytes[(dot + 1)...])
        variants["empty"] = []
        for (name, variant) in variants {
            #expect(!answers(cache, String(decoding: variant, as: UTF8.self)), "\(name)")
        }
        // None of them disturbed the entry.
        #expect(cache.count == 1)
        #expect(answers(cache, es256))
    }

    /// HS256's signature is 43 characters; a token shorter than the key is keyed whole, with its
    /// length.
    @Test func answersShortSignaturesAndShortTokens() async throws {
        let cache = VerifiedTokenCache()
        let hs256 = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9." + String(repeating: "x", count: 43)
        let tiny = "a.b.c"
        _ = try await cached(hs256, in: cache)
        _ = try await cached(tiny, in: cache)
        #expect(answers(cache, hs256) && answers(cache, tiny))
        #expect(!answers(cache, String(hs256.dropLast()) + "y"))
        #expect(!answers(cache, "a.b.d") && !answers(cache, "a.bc") && !answers(cache, "a.b.c.") && !answers(cache, "b.c"))
        // No `.`: no JWS, never entered.
        _ = try await cached("abc", in: cache)
        #expect(cache.count == 2)
    }

    /// Two verified tokens that end in the same 8 bytes share a key: the later one answers, the
    /// earlier is verified again (a miss), and neither is taken for the other.
    @Test func tokensEndingAlikeAreNeverTakenForEachOther() async throws {
        let cache = VerifiedTokenCache()
        let first = try await cached(es256, in: cache)
        var otherBytes = Array(es256.utf8)
        otherBytes[otherBytes.lastIndex(of: UInt8(ascii: "."))! + 1] = UInt8(ascii: "B")
        let other = String(decoding: otherBytes, as: UTF8.self)
        #expect(cache.lookup(es256, now: now)?.token.tokenID == first.tokenID)
        let second = try await cached(other, in: cache)
        #expect(cache.count == 1)
        #expect(cache.lookup(other, now: now)?.token.tokenID == second.tokenID)
        #expect(!answers(cache, es256))
        // Removing the one that is not there leaves the other.
        cache.remove(es256)
        #expect(answers(cache, other))
    }

    @Test func removesOnlyTheCachedBytesAndForgetsExpiredEntries() async throws {
        let cache = VerifiedTokenCache()
        _ = try await cached(es256, in: cache)
        var other = Array(es256.utf8)
        other[other.lastIndex(of: UInt8(ascii: "."))! + 1] = UInt8(ascii: "B")
        other.withUnsafeBytes { cache.remove($0) }
        #expect(cache.count == 1)
        cache.remove(es256)
        #expect(cache.count == 0)
        _ = try await cached(es256, in: cache)
        #expect(cache.lookup(es256, now: now.addingTimeInterval(60)) == nil)
        #expect(cache.count == 0)
    }

    /// A hit answers the revocation generation its token was last found unrevoked at; a later
    /// check moves it on for exactly those bytes — never for another token under the same key,
    /// which was checked on its own (issue 16).
    @Test func aTokensRevocationGenerationMovesOnlyForItsOwnBytes() async throws {
        let cache = VerifiedTokenCache()
        _ = try await cached(es256, in: cache)
        #expect(cache.lookup(es256, now: now)?.revocationGeneration == 7)
        var otherBytes = Array(es256.utf8)
        otherBytes[otherBytes.lastIndex(of: UInt8(ascii: "."))! + 1] = UInt8(ascii: "B")
        let other = String(decoding: otherBytes, as: UTF8.self)
        // Same key, other bytes: the entry keeps its generation.
        cache.note(other, unrevokedAt: 9, key: nil)
        #expect(cache.lookup(es256, now: now)?.revocationGeneration == 7)
        cache.note(es256, unrevokedAt: 9, key: nil)
        #expect(cache.lookup(es256, now: now)?.revocationGeneration == 9)
        // A note read earlier than the entry's, arriving late, does not move it back.
        cache.note(es256, unrevokedAt: 8, key: nil)
        #expect(cache.lookup(es256, now: now)?.revocationGeneration == 9)
    }

    /// Split into shards, the cache still holds at most its capacity, whatever the keys; a small
    /// cache is one shard and holds exactly its capacity. A shard is 128 bytes, so two shards'
    /// locks and tables never share a cache line.
    @Test func shardsTogetherHoldAtMostTheCapacity() async throws {
        #expect(MemoryLayout<VerifiedTokenCache.Shard>.stride == 128)
        let issuer = await TestTokenIssuer()
        let verified = try await issuer.verifier(configure: { $0.cacheCapacity = 0 }).verify(try issuer.token())
        for capacity in [1, 3, 127, 128, 1_000, 10_000] {
            let cache = VerifiedTokenCache(capacity: capacity)
            var generator = SystemRandomNumberGenerator()
            for _ in 0..<(capacity * 3 + 50) {
                let signature = (0..<86).map { _ in UInt8.random(in: 0x61...0x7A, using: &generator) }
                let token = Array("eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.".utf8) + signature
                token.withUnsafeBytes { cache.insert(verified, for: $0, validUntil: now.addingTimeInterval(60), revocationGeneration: 0, verifiedWith: issuer.signingKey.verificationKey, key: nil) }
            }
            #expect(cache.count <= capacity, "capacity \(capacity)")
            #expect(cache.count >= capacity * 9 / 10, "capacity \(capacity): \(cache.count) held")
            if capacity < 128 { #expect(cache.count == capacity) }
        }
    }
}
