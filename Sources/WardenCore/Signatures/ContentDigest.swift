public import Crypto
public import Foundation
import RawStructuredFieldValues

/// `Content-Digest` (RFC 9530 §2): a dictionary of hash algorithm → the digest of the content
/// as a byte sequence. Made with SHA-256 or SHA-512; checked against the bytes received.
public enum ContentDigest {
    public enum Algorithm: String, Sendable, CaseIterable {
        case sha256 = "sha-256"
        case sha512 = "sha-512"

        func digest(_ body: some DataProtocol) -> [UInt8] {
            switch self {
            case .sha256: Array(SHA256.hash(data: body))
            case .sha512: Array(SHA512.hash(data: body))
            }
        }
    }

    /// The field value for `body`, e.g. `sha-256=:X48E9q…=:`.
    public static func value(for body: some DataProtocol, algorithm: Algorithm = .sha256) -> String {
        algorithm.rawValue + "=:" + Data(algorithm.digest(body)).base64EncodedString() + ":"
    }

    /// Checks the field's values against `body`: every digest of an algorithm named here must
    /// match (compared in constant time), and at least one must be of an algorithm Warden
    /// implements (RFC 9530 §2: others are ignored; the insecure ones of §6 are not accepted
    /// alone). Malformed or oversized fields are refused.
    public static func verify(_ lines: [String], body: some DataProtocol) throws(HTTPSignatureError) {
        guard !lines.isEmpty else { throw HTTPSignatureError(.digestMismatch, detail: "no Content-Digest") }
        let combined = lines.joined(separator: ", ")
        guard combined.utf8.count <= 4096 else { throw HTTPSignatureError(.digestMismatch, detail: "Content-Digest too large") }
        let bytes = Array(combined.utf8)
        var parser = StructuredFieldValueParser(bytes)
        guard let map = try? parser.parseDictionaryFieldValue(), DictionaryKeys.count(in: bytes) == map.count else {
            throw HTTPSignatureError(.digestMismatch, detail: "Content-Digest is not a dictionary of distinct algorithms")
        }
        var checked = 0
        for (name, member) in map {
            guard let algorithm = Algorithm(rawValue: name) else { continue }
            guard case .item(let item) = member, case .undecodedByteSequence(let encoded) = item.rfc9651BareItem,
                let received = ByteSequence.decode(encoded)
            else { throw HTTPSignatureError(.digestMismatch, detail: "\(name) is not a byte sequence") }
            let expected = algorithm.digest(body)
            guard received.count == expected.count, constantTimeEqual(received, expected) else {
                throw HTTPSignatureError(.digestMismatch, detail: "\(name) does not match the content")
            }
            checked += 1
        }
        guard checked > 0 else { throw HTTPSignatureError(.digestMismatch, detail: "no sha-256 or sha-512 digest") }
    }

    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}
