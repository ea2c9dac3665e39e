import Foundation

/// A JWS in compact serialization (RFC 7515 §7.1) taken apart strictly, signature not yet
/// checked: exactly three non-empty segments of canonical unpadded base64url, a header that is a
/// strict JSON object. The payload is decoded but not parsed until the signature holds.
struct UnverifiedCompactJWS {
    let header: JOSEHeader
    /// `BASE64URL(header) . BASE64URL(payload)`: what the signature covers.
    let signingInput: ArraySlice<UInt8>
    let payload: [UInt8]
    let signature: [UInt8]

    init(_ token: [UInt8]) throws(TokenVerificationError) {
        // The dots, found with libc's memchr (vectorised) rather than a byte loop.
        let (firstDot, secondDot, extraDot) = token.withUnsafeBytes { bytes -> (Int?, Int?, Bool) in
            func dot(after start: Int) -> Int? {
                guard start < bytes.count, let base = bytes.baseAddress,
                    let found = memchr(base + start, Int32(UInt8(ascii: ".")), bytes.count - start)
                else { return nil }
                return base.distance(to: UnsafeRawPointer(found))
            }
            guard let first = dot(after: 0) else { return (nil, nil, false) }
            guard let second = dot(after: first + 1) else { return (first, nil, false) }
            return (first, second, dot(after: second + 1) != nil)
        }
        guard !extraDot else { throw .init(.malformed, detail: "more than three segments") }
        guard let firstDot, let secondDot else { throw .init(.malformed, detail: "fewer than three segments") }
        let headerPart = token[..<firstDot]
        let payloadPart = token[(firstDot + 1)..<secondDot]
        let signaturePart = token[(secondDot + 1)...]
        guard !headerPart.isEmpty, !payloadPart.isEmpty, !signaturePart.isEmpty else {
            throw .init(.malformed, detail: "empty segment")
        }
        guard let headerBytes = Base64URL.decodeCanonical(headerPart),
            let payload = Base64URL.decodeCanonical(payloadPart),
            let signature = Base64URL.decodeCanonical(signaturePart)
        else { throw .init(.malformed, detail: "segment is not canonical base64url") }
        guard let header = try? JOSEHeader(json: headerBytes) else {
            throw .init(.malformed, detail: "header is not a strict JSON object")
        }
        self.header = header
        self.signingInput = token[..<secondDot]
        self.payload = payload
        self.signature = signature
    }
}
