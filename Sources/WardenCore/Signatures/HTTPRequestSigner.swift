public import Foundation

/// Signs requests (RFC 9421 §3.1) with one key: covers the given components, adds `created`,
/// `keyid`, `alg` and a fresh `nonce`, and computes `Content-Digest` (RFC 9530) when it is
/// covered and the request has none.
public struct HTTPRequestSigner: Sendable {
    public let key: HTTPSignatureKey
    public var components: [SignatureComponent]
    public var label: String
    public var digestAlgorithm: ContentDigest.Algorithm = .sha256

    public init(key: HTTPSignatureKey, covering components: [SignatureComponent], label: String = "sig1") {
        precondition(key.canSign, "HTTPRequestSigner needs a key that can sign")
        // RFC 8941 §3.2: a dictionary key (the label names the signature in both fields).
        let first = label.utf8.first
        precondition(first.map { ($0 >= 0x61 && $0 <= 0x7A) || $0 == UInt8(ascii: "*") } == true
            && label.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || "_-.*".utf8.contains($0) },
            "a signature label is a lowercase structured-field key")
        self.key = key
        self.components = components
        self.label = label
    }

    /// The fields to add to `request` (whose fields must already hold everything covered, such
    /// as `Authorization`): `Content-Digest` when covered and absent, `Signature-Input`,
    /// `Signature`. `request` is updated with them.
    /// - Parameter nonce: the `nonce` parameter; `nil` (the default): 128 random bits. Given
    ///   only to reproduce a signature (test vectors).
    public func sign(_ request: inout SignableRequest, body: some DataProtocol, now: Date = Date(), nonce: String? = nil) throws(HTTPSignatureError) -> [(name: String, value: String)] {
        var added: [(name: String, value: String)] = []
        if components.contains(where: { $0.name == "content-digest" }), request.values(of: "content-digest").isEmpty {
            let digest = ContentDigest.value(for: body, algorithm: digestAlgorithm)
            added.append(("Content-Digest", digest))
            request.fields.append(("Content-Digest", digest))
        }
        let nonce = nonce ?? Data((0..<16).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()
        let input = SignatureInput(components: components, created: Int(now.timeIntervalSince1970), keyID: key.id, algorithm: key.algorithm, nonce: nonce)
        let base = try SignatureBase.make(input, for: request)
        let signature = try key.sign(base)
        let fields = [
            ("Signature-Input", label + "=" + (try input.serialized())),
            ("Signature", label + "=:" + Data(signature).base64EncodedString() + ":"),
        ]
        for field in fields {
            added.append(field)
            request.fields.append(field)
        }
        return added
    }
}
