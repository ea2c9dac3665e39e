/// A DPoP proof taken apart as a compact JWS (RFC 9449 §4.3 step 2): its header's base64url text
/// (how ``DPoPHeaderCache`` finds what an earlier proof decided about it), the decoded payload and
/// signature, and the signing input.
struct ParsedDPoPProof {
    let header: Substring.UTF8View
    let headerText: [UInt8]
    let payload: [UInt8]
    let signature: [UInt8]
    let signingInput: ArraySlice<UInt8>
    let parser: StrictJSONParser
}
