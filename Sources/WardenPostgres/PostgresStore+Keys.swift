public import Foundation
import PostgresNIO
import WardenCore
public import WardenServer

extension PostgresStore {
    public func addSigningKey(_ key: StoredSigningKey) async throws(StoreError) {
        try await rows("""
            INSERT INTO warden_signing_keys (kid, algorithm, sealed_private_key, created_at, activates_at, retired_at, published_until)
            VALUES (\(key.id), \(key.algorithm.jwsName), \(Self.bytes(key.sealedPrivateKey)), \(Self.seconds(key.createdAt)),
                    \(Self.seconds(key.activatesAt)), \(Self.seconds(key.retiredAt)), \(Self.seconds(key.publishedUntil)))
            """)
        try await notify("signing-keys")
    }

    public func signingKeys() async throws(StoreError) -> [StoredSigningKey] {
        try await rows("SELECT * FROM warden_signing_keys ORDER BY created_at").map { (row) throws(StoreError) in
            guard let algorithm = SignatureAlgorithm(jwsName: try row.string("algorithm")) else { throw StoreError(.corrupt, "unknown key algorithm") }
            return StoredSigningKey(
                id: try row.string("kid"), algorithm: algorithm, sealedPrivateKey: try row.bytes("sealed_private_key"),
                createdAt: try row.date("created_at"), activatesAt: try row.date("activates_at"),
                retiredAt: try row.optionalDate("retired_at"), publishedUntil: try row.optionalDate("published_until")
            )
        }
    }

    public func retireSigningKey(id: String, at: Date, publishedUntil: Date) async throws(StoreError) {
        try await rows("""
            UPDATE warden_signing_keys SET retired_at = \(Self.seconds(at)), published_until = \(Self.seconds(publishedUntil))
            WHERE kid = \(id) AND retired_at IS NULL
            """)
        try await notify("signing-keys")
    }

    public func deleteUnpublishedSigningKeys(at now: Date) async throws(StoreError) -> Int {
        try await rows("DELETE FROM warden_signing_keys WHERE published_until IS NOT NULL AND published_until <= \(Self.seconds(now)) RETURNING kid").count
    }

    public func setting(_ name: String, defaultingTo value: String) async throws(StoreError) -> String {
        try await rows("INSERT INTO warden_settings (name, value) VALUES (\(name), \(value)) ON CONFLICT (name) DO NOTHING")
        guard let row = try await rows("SELECT value FROM warden_settings WHERE name = \(name)").first else {
            throw StoreError(.corrupt, "setting \(name) vanished")
        }
        return try row.string("value")
    }
}
