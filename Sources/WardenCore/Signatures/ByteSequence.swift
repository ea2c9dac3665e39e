import Foundation

/// The bytes of an RFC 8941 byte sequence's base64 (§4.2.7: a parser SHOULD NOT fail when the
/// padding is missing; swift-http-structured-headers accepts it, Foundation's decoder does not).
enum ByteSequence {
    static func decode(_ encoded: String) -> [UInt8]? {
        let padding = (4 - encoded.utf8.count % 4) % 4
        guard padding < 3 else { return nil }
        return Data(base64Encoded: encoded + String(repeating: "=", count: padding)).map(Array.init)
    }
}
