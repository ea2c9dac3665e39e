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
    ///   - body: the received content, when the signature covers `content-digest` (checked
    ///     against it); `nil` is refused then.
    public func verify(_ request: SignableRequest, body: [UInt8]?) async throws(HTTPSignatureError) -> VerifiedHTTPSignature {
        do {
            return try await verify(request) {
                guard let body else { throw HTTPSignatureError(.digestMismatch, detail: "no body to check") }
                return body
            }
        } catch let error as HTTPSignatureError {
            throw error
        } catch {
            throw HTTPSignatureError(.digestMismatch, detail: "\(error)")
        }
    }

    /// As ``verify(_:body:)``, reading the body only when it has to: after the fields, the key,
    /// the coverage, the time and the signature over the headers all hold, and only when
    /// `content-digest` is covered — an unsigned or forged request never makes the service read
    /// (or wait for) its body. Errors of `readBody` (a body too large, a connection gone) are
    /// thrown as they are.
    public func verify(_ request: SignableRequest, readBody: () async throws -> [UInt8]) async throws -> VerifiedHTTPSignature {
        let inputLines = request.values(of: "signature-input")
        let signatureLines = request.values(of: "signature")
        guard !inputLines.isEmpty, !signatureLines.isEmpty else { throw HTTPSignatureError(.missingSignature) }
        let fields = try SignatureFields(inputLines: inputLines, signatureLines: signatureLines)

        // §3.2 steps 1–2: the signatures this policy is about (its label, or those whose key is
        // known, at most four): the first that passes is the one; none passing, the first's error.
        var candidates: [(label: String, input: SignatureInput, key: HTTPSignatureKey)] = []
        for label in fields.labels where policy.label == nil || policy.label == label {
            guard candidates.count < 4, let input = fields.inputs[label], let keyID = input.keyID, keyID.utf8.count <= 256 else { continue }
            if let key = try await keys.key(id: keyID) { candidates.append((label, input, key)) }
        }
        guard !candidates.isEmpty else { throw HTTPSignatureError(fields.labels.isEmpty ? .missingSignature : .unknownKey) }
        let now = timeSource.now().timeIntervalSince1970
        var firstError: HTTPSignatureError?
        var passed: (label: String, input: SignatureInput, key: HTTPSignatureKey, base: [UInt8], created: Int)?
        for candidate in candidates {
            do {
                let (base, created) = try checkHeaders(candidate.label, candidate.input, candidate.key, fields: fields, request: request, now: now)
                passed = (candidate.label, candidate.input, candidate.key, base, created)
                break
            } catch {
                if firstError == nil { firstError = error }
            }
        }
        guard let (label, input, key, base, created) = passed else { throw firstError ?? HTTPSignatureError(.badSignature) }

        // RFC 9530: a covered Content-Digest vouches for the body only if the body matches it.
        if input.components.contains(where: { $0.name == "content-digest" }) {
            try ContentDigest.verify(request.values(of: "content-digest"), body: try await readBody())
        }
        // §7.2.2: once only, while it could pass the time check. Remembered by the signature
        // base (which holds `created` and any `nonce`), not the signature's bytes: an ECDSA
        // signature has a second valid form (r, n − s), so bytes would let one replay through.
        let remembered = Date(timeIntervalSince1970: Double(created) + policy.maximumAge.timeInterval + policy.clockSkew.timeInterval)
        switch replays.insert(key.id + "\n" + String(decoding: base, as: UTF8.self), expires: remembered, now: Date(timeIntervalSince1970: now)) {
        case .inserted: break
        case .seen: throw HTTPSignatureError(.replayed)
        case .full: throw HTTPSignatureError(.replayMemoryFull)
        }
        return VerifiedHTTPSignature(label: label, keyID: key.id, algorithm: key.algorithm, created: created, components: input.components, clientID: key.clientID)
    }

    /// §3.2 steps 3–8 for one signature: coverage, algorithm, time, and the signature over its
    /// base; the base and `created`.
    private func checkHeaders(_ label: String, _ input: SignatureInput, _ key: HTTPSignatureKey, fields: SignatureFields, request: SignableRequest, now: Double) throws(HTTPSignatureError) -> ([UInt8], Int) {
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
        guard Double(created) >= now - policy.maximumAge.timeInterval, Double(created) <= now + policy.clockSkew.timeInterval else {
            throw HTTPSignatureError(.outsideTimeWindow, detail: "created \(created)")
        }
        if let expires = input.expires, Double(expires) < now - policy.clockSkew.timeInterval {
            throw HTTPSignatureError(.outsideTimeWindow, detail: "expired at \(expires)")
        }
        // §3.2 steps 7–8: the base, and the signature over it.
        let base = try SignatureBase.make(input, for: request)
        guard key.isValidSignature(signature, for: base) else { throw HTTPSignatureError(.badSignature) }
        return (base, created)
    }
}
