public import Crypto
public import Foundation
import WardenCore

/// The 32-byte key that seals private signing keys at rest (AES-256-GCM) and from which the
/// server derives its other secrets (HKDF-SHA256, one purpose string each), such as the key of
/// the client-secret hash. Read from `WARDEN_MASTER_KEY` (base64) or a key file created with
/// mode 0600 beside the database on first start.
public struct MasterKey: Sendable {
    private let key: SymmetricKey

    public init(bytes: some ContiguousBytes) throws(MasterKeyError) {
        let key = SymmetricKey(data: bytes)
        guard key.bitCount == 256 else { throw MasterKeyError("the master key must be exactly 32 bytes") }
        self.key = key
    }

    /// From standard base64 (what `WARDEN_MASTER_KEY` holds); base64url is accepted too.
    public init(base64: String) throws(MasterKeyError) {
        let trimmed = base64.trimmingCharacters(in: .whitespacesAndNewlines)
        let bytes = Data(base64Encoded: trimmed) ?? Base64URL.decodeCanonical(trimmed.utf8).map { Data($0) }
        guard let bytes else { throw MasterKeyError("the master key is not base64") }
        try self.init(bytes: bytes)
    }

    /// A new random key.
    public static func generate() -> MasterKey {
        // 32 random bytes from the system CSPRNG always make a valid key.
        try! MasterKey(bytes: SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) })
    }

    /// The key in `path`, or a new one written there with mode 0600 (owner read/write only)
    /// when the file does not exist. A key file readable by others is refused.
    public static func loadOrCreate(path: String) throws(MasterKeyError) -> (key: MasterKey, created: Bool) {
        let manager = FileManager.default
        if manager.fileExists(atPath: path) {
            if let attributes = try? manager.attributesOfItem(atPath: path),
                let permissions = attributes[.posixPermissions] as? NSNumber,
                permissions.intValue & 0o077 != 0
            {
                throw MasterKeyError("the master key file \(path) is readable by others (mode \(String(permissions.intValue, radix: 8))); chmod 600 it")
            }
            guard let contents = manager.contents(atPath: path), let text = String(data: contents, encoding: .utf8) else {
                throw MasterKeyError("cannot read the master key file \(path)")
            }
            return (try MasterKey(base64: text), false)
        }
        let key = MasterKey.generate()
        let text = key.key.withUnsafeBytes { Data($0) }.base64EncodedString() + "\n"
        // Created with 0600 from the start, never readable by others even for a moment, and
        // whole or not at all.
        do {
            try PrivateFile.create(path, contents: Array(text.utf8))
        } catch {
            // Another process created it between the look and the create: use theirs. Anything
            // else at that path (a dangling symbolic link: `fileExists` follows links) is an
            // operator's to sort out, never ours to replace.
            if error.exists, manager.fileExists(atPath: path) { return try loadOrCreate(path: path) }
            throw MasterKeyError("cannot create the master key file \(path): \(error.exists ? "something that is not a readable file is in the way (a dangling symbolic link?)" : error.description)")
        }
        return (key, true)
    }

    /// Seals `plaintext`; `context` (e.g. the `kid`) is authenticated, so a sealed key cannot be
    /// moved to another row.
    public func seal(_ plaintext: [UInt8], context: String) throws -> [UInt8] {
        let box = try AES.GCM.seal(plaintext, using: key, authenticating: Array(context.utf8))
        // `combined` is non-nil for the default 12-byte nonce.
        return Array(box.combined!)
    }

    /// Opens what ``seal(_:context:)`` sealed with the same key and context.
    public func open(_ sealed: [UInt8], context: String) throws(MasterKeyError) -> [UInt8] {
        do {
            let box = try AES.GCM.SealedBox(combined: sealed)
            return Array(try AES.GCM.open(box, using: key, authenticating: Array(context.utf8)))
        } catch {
            throw MasterKeyError("a sealed value does not open with this master key")
        }
    }

    /// A key for one purpose, derived with HKDF-SHA256 (RFC 5869).
    public func derivedKey(purpose: String) -> SymmetricKey {
        HKDF<SHA256>.deriveKey(inputKeyMaterial: key, info: Array("warden \(purpose)".utf8), outputByteCount: 32)
    }

    /// A value that identifies this key without revealing it, stored in the database on first
    /// start so a server started with another master key stops with a clear error.
    public var fingerprint: String {
        let mac = HMAC<SHA256>.authenticationCode(for: Array("fingerprint".utf8), using: derivedKey(purpose: "fingerprint"))
        return Base64URL.encode(Array(mac))
    }
}
