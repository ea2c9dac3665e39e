import Foundation
import Testing
import WardenCore
import WardenServer
import WardenSQLite
import WardenTesting

/// The authorization server's own keys as a verifier's key source (introspection verifies at
/// hand first): a hit skips the key lookup while `KeyManager`'s generation stands, and a reread
/// that takes a key away moves it (issue 16; a review found no test failing without the bump).
@Suite struct KeyManagerCacheTests {
    /// A key taken out of the store and reread is not accepted from the cache on either path.
    @Test func aKeyWithdrawnByARereadIsNotTakenFromTheCache() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("key-manager-cache-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try await SQLiteStore.open(path: directory.appendingPathComponent("k.sqlite").path)
        let keys = KeyManager(configuration: KeyConfiguration(), store: store, masterKey: MasterKey.generate())
        try await keys.bootstrap()
        let signer = try await keys.currentSigner()
        let issuer = await TestTokenIssuer(signingKey: signer.key)
        let verifier = AccessTokenVerifier(configuration: issuer.verifierConfiguration, keys: keys)
        let token = try issuer.token()
        #expect(try verifier.verifyWithoutSuspending(token) != nil)
        #expect(try verifier.verifyWithoutSuspending(token) != nil)
        try await store.retireSigningKey(id: signer.key.id, at: Date().addingTimeInterval(-2), publishedUntil: Date().addingTimeInterval(-1))
        try await keys.reload()
        #expect(keys.verificationKeyAtHand(id: signer.key.id) == nil)
        #expect(try verifier.verifyWithoutSuspending(token) == nil)
        await #expect(throws: TokenVerificationError.self) { try await verifier.verify(token) }
        try await store.close()
    }
}
