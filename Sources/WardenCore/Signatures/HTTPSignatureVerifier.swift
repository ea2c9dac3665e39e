public import Foundation

/// Verifies request signatures (RFC 9421 §3.2) under one ``HTTPSignaturePolicy``: the covered
/// components it requires, a key known by `keyid` and used with its own algorithm only, a fresh
/// `created`, an unexpired `expires`, the signature over the signature base, the body against
/// `Content-Digest` when covered (RFC 9530), and never the same signature twice (its `nonce`, or
/// the signature itself, is remembered for the age window). One verifier per route policy: its
/// replay memory is shared by every request.
public final class HTTPSignatureVerifier: Sendable {
    public let policy: HTTPSignaturePolicy
    public let keys: any HTTPSignatureKeySource
    let timeSource: TimeSource
    let replays: ReplayMemory

    public init(policy: HTTPSignaturePolicy, keys: any HTTPSignatureKeySource, timeSource: TimeSource = .system) {
        self.policy = policy
        self.keys = keys
        self.timeSource = timeSource
        self.replays = ReplayMemory(capacity: policy.replayCapacity)
    }

    /// - Parameters:
    ///   - request: the request as received; its `Signature-Input` and `Signature` fields are read
    ///     from its fields.
    ///   - body: the received content, when the policy covers `content-digest` (checked
    ///     against it); `nil` is refused then.
    public func verify(_ request: SignableRequest, body: [UInt8]?) async throws(HTTPSignatureError) -> VerifiedHTTPSignature {
        let inputLines = request.values(of: "signature-input")
        let signatureLines = request.values(of: "signature")
        guard !inputLines.isEmpty, !signatureLines.isEmpty else { throw HTTPSignatureError(.missingSignature) }
        let fields = try SignatureFields(inputLines: inputLines, signatureLines: signatureLines)

        // §3.2 step 1–2: the signature this policy is about: its label, or the first whose key is known.
        var chosen: (label: String, input: SignatureInput, key: HTTPSignatureKey)?
        for label in fields.labels where policy.label == nil || policy.label == label {
            guard let input = fields.inputs[label], let keyID = input.keyID, keyID.utf8.count <= 256 else { continue }
            if let key = await keys.key(id: keyID) {
                chosen = (label, input, key)
                break
            }
        }
        guard let (label, input, key) = chosen else {
            throw HTTPSignatureError(fields.labels.isEmpty ? .missingSignature : .unknownKey)
        }
        guard let signature = fields.signatures[label] else { throw HTTPSignatureError(.malformed, detail: "no Signature for label \(label)") }

        // §3.2 step 3 (the verifier's requirements): what must be covered.
        for required in policy.requiredComponents where !input.components.contains(required) {
            throw HTTPSignatureError(.insufficientCoverage, detail: "\((try? required.serialized()) ?? required.name) not covered")
        }
        // §3.2 step 6: the key's algorithm, and `alg` (when given) naming it.
        guard policy.acceptedAlgorithms.contains(key.algorithm) else { throw HTTPSignatureError(.algorithmMismatch, detail: "\(key.algorithm.rawValue) not accepted here") }
        if let name = input.algorithmName, name != key.algorithm.rawValue {
            throw HTTPSignatureError(.algorithmMismatch, detail: "alg \(name) for a \(key.algorithm.rawValue) key")
        }
        // §3.2 step 4, §7.2.4: fresh.
        guard let created = input.created else { throw HTTPSignatureError(.missingCreated) }
        let now = timeSource.now().timeIntervalSince1970
        guard Double(created) >= now - policy.maximumAge.timeInterval, Double(created) <= now + policy.clockSkew.timeInterval else {
            throw HTTPSignatureError(.outsideTimeWindow, detail: "created \(created)")
        }
        if let expires = input.expires, Double(expires) < now - policy.clockSkew.timeInterval {
            throw HTTPSignatureError(.outsideTimeWindow, detail: "expired at \(expires)")
        }
        // §3.2 steps 7–8: the base, and the signature over it.
        let base = try SignatureBase.make(input, for: request)
        guard key.isValidSignature(signature, for: base) else { throw HTTPSignatureError(.badSignature) }
        // RFC 9530: a covered Content-Digest vouches for the body only if the body matches it.
        if input.components.contains(where: { $0.name == "content-digest" }) {
            guard let body else { throw HTTPSignatureError(.digestMismatch, detail: "no body to check") }
            try ContentDigest.verify(request.values(of: "content-digest"), body: body)
        }
        // §7.2.2: once only, while it could pass the time check.
        let remembered = Date(timeIntervalSince1970: Double(created) + policy.maximumAge.timeInterval + policy.clockSkew.timeInterval)
        let identity = key.id + "\n" + (input.nonce.map { "n:" + $0 } ?? "s:" + Data(signature).base64EncodedString())
        switch replays.insert(identity, expires: remembered, now: Date(timeIntervalSince1970: now)) {
        case .inserted: break
        case .seen: throw HTTPSignatureError(.replayed)
        case .full: throw HTTPSignatureError(.replayMemoryFull)
        }
        return VerifiedHTTPSignature(label: label, keyID: key.id, algorithm: key.algorithm, created: created, components: input.components)
    }
}
