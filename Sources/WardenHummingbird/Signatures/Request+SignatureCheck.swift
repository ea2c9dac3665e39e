public import Hummingbird
public import WardenCore

extension Request {
    /// Checks this request's signature against `requirement` (RFC 9421), reading the body (up to
    /// the requirement's limit) to check `Content-Digest`; the body stays readable by the handler.
    public mutating func checkSignature(_ requirement: HTTPSignatureRequirement) async throws -> VerifiedHTTPSignature {
        let body = try await collectBody(upTo: requirement.maximumBodySize)
        let fields = headers.map { (name: $0.name.rawName, value: $0.value) }
        return try await requirement.check(method: method.rawValue, path: uri.string, fields: fields, body: Array(body.readableBytesView))
    }
}
