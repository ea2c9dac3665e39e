public import Hummingbird
public import WardenCore

extension Request {
    /// Checks this request's signature against `requirement` (RFC 9421). The body is read only
    /// once the signature over the headers holds and covers `content-digest` (up to the
    /// requirement's limit; a larger declared `Content-Length` is refused before reading); it
    /// stays readable by the handler.
    public mutating func checkSignature(_ requirement: HTTPSignatureRequirement) async throws -> VerifiedHTTPSignature {
        let fields = headers.map { (name: $0.name.rawName, value: $0.value) }
        var request = self
        defer { self = request }
        return try await requirement.check(method: method.rawValue, path: uri.string, fields: fields) {
            if let declared = request.headers[.contentLength].flatMap(Int.init), declared > requirement.maximumBodySize {
                throw HTTPError(.contentTooLarge)
            }
            return Array(try await request.collectBody(upTo: requirement.maximumBodySize).readableBytesView)
        }
    }
}
