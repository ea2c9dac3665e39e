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
        var firstDot: Int?
        var secondDot: Int?
        for index in token.indices where token[index] == UInt8(ascii: ".") {
            if firstDot == nil {
                firstDot = index
            } else if secondDot == nil {
                secondDot = index
            } else {
                throw .init(.malformed, detail: "more than three segments")
            }
        }
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
