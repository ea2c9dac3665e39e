public import Foundation
import SQLiteNIO
import WardenCore
public import WardenServer

extension SQLiteStore {
    public func addSigningKey(_ key: StoredSigningKey) async throws(StoreError) {
        try await query(
            """
            INSERT INTO signing_keys (kid, algorithm, sealed_private_key, created_at, activates_at, retired_at, published_until)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """,
            [.text(key.id), .text(key.algorithm.jwsName), Self.blob(key.sealedPrivateKey), Self.date(key.createdAt), Self.date(key.activatesAt), Self.date(key.retiredAt), Self.date(key.publishedUntil)]
        )
    }

    public func signingKeys() async throws(StoreError) -> [StoredSigningKey] {
        try await query("SELECT * FROM signing_keys ORDER BY created_at").map { (row) throws(StoreError) in
            guard let algorithm = SignatureAlgorithm(jwsName: try row.string("algorithm")) else { throw StoreError(.corrupt, "unknown key algorithm") }
            return StoredSigningKey(
                id: try row.string("kid"),
                algorithm: algorithm,
                sealedPrivateKey: try row.bytes("sealed_private_key"),
                createdAt: try row.date("created_at"),
                activatesAt: try row.date("activates_at"),
                retiredAt: row.optionalDate("retired_at"),
                publishedUntil: row.optionalDate("published_until")
            )
        }
    }

    public func retireSigningKey(id: String, at: Date, publishedUntil: Date) async throws(StoreError) {
        try await query(
            "UPDATE signing_keys SET retired_at = ?, published_until = ? WHERE kid = ? AND retired_at IS NULL",
            [Self.date(at), Self.date(publishedUntil), .text(id)]
        )
    }

    public func deleteUnpublishedSigningKeys(at now: Date) async throws(StoreError) -> Int {
        try await query("DELETE FROM signing_keys WHERE published_until IS NOT NULL AND published_until <= ? RETURNING kid", [Self.date(now)]).count
    }

    public func setting(_ name: String, defaultingTo value: String) async throws(StoreError) -> String {
        try await query("INSERT OR IGNORE INTO settings (name, value) VALUES (?, ?)", [.text(name), .text(value)])
        guard let stored = try await query("SELECT value FROM settings WHERE name = ?", [.text(name)]).first else {
            throw StoreError(.corrupt, "setting \(name) vanished")
        }
        return try stored.string("value")
    }
}
