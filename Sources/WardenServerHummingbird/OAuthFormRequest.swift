import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import WardenCore
import WardenServer
import WardenHummingbird

/// A form-encoded OAuth request (token, introspection, revocation endpoints) read strictly:
/// `POST` with `application/x-www-form-urlencoded` (RFC 6749 §3.2), a bounded body, no parameter
/// twice (§3.1) except those allowed to repeat, and at most one client-authentication method
/// (§2.3: Basic or form parameters, never both).
struct OAuthFormRequest: Sendable {
    let form: URLEncodedFormParameters
    let client: ClientCredentials?

    nonisolated(nonsending) static func read(_ request: Request, maximumSize: Int, repeatable: Set<String> = []) async throws -> OAuthFormRequest {
        // One Content-Type field: two would be read joined ("a, b"), the first deciding.
        var contentType: String?
        for field in request.headers where field.name == .contentType {
            guard contentType == nil else { throw OAuthError.invalidRequest("More than one Content-Type header.") }
            contentType = field.value
        }
        guard let contentType, isFormEncoded(contentType) else {
            throw OAuthError.invalidRequest("The body must be application/x-www-form-urlencoded.")
        }
        // A query string on these endpoints would put secrets in logs; parameters belong in the body.
        if let query = request.uri.query, !query.isEmpty {
            throw OAuthError.invalidRequest("Parameters must be sent in the request body, not the query.")
        }
        // The body read from its stream, not through `collectBody` (which needs a mutable copy
        // of the whole request, a dozen reference counts, to keep the bytes for a second
        // reader these routes never have: issue 16).
        let body: ByteBuffer
        do { body = try await request.body.collect(upTo: maximumSize) } catch {
            throw OAuthError.invalidRequest("The request body is too large.")
        }
        // Read from the received bytes: form encoding is printable ASCII (non-ASCII arrives
        // percent-encoded), anything else is refused before parsing.
        let parsed = body.withUnsafeReadableBytes { bytes -> Result<URLEncodedFormParameters, OAuthError> in
            guard ByteScan.isPrintableASCII(bytes.assumingMemoryBound(to: UInt8.self)) else {
                return .failure(.invalidRequest("The request body is not valid form encoding."))
            }
            return Result { () throws(OAuthError) in try URLEncodedFormParameters(parsing: bytes, repeatable: repeatable) }
        }
        let form = try parsed.get()
        let client = try clientCredentials(headers: request.headers, form: form)
        return OAuthFormRequest(form: form, client: client)
    }

    /// `application/x-www-form-urlencoded`, parameters allowed after optional whitespace and a
    /// `;` (RFC 9110 §8.3.1, §5.6.6: `*( OWS ";" OWS [ parameter ] )`): the type and subtype
    /// compared ASCII case-insensitively, without a lowercased copy (issue 16: every token and
    /// introspection request).
    /// Over the string's bytes where it keeps them (issue 16: the `UTF8View` iterator was ~0.2 µs
    /// of each token and introspection request under `perf`).
    static func isFormEncoded(_ contentType: String) -> Bool {
        contentType.utf8.withContiguousStorageIfAvailable(isFormEncoded) ?? Array(contentType.utf8).withUnsafeBufferPointer(isFormEncoded)
    }

    private static func isFormEncoded(_ value: UnsafeBufferPointer<UInt8>) -> Bool {
        let expected: StaticString = "application/x-www-form-urlencoded"
        guard value.count >= expected.utf8CodeUnitCount else { return false }
        for index in 0..<expected.utf8CodeUnitCount {
            let byte = value[index]
            let folded = (0x41...0x5A).contains(byte) ? byte | 0x20 : byte
            guard folded == expected.utf8Start[index] else { return false }
        }
        for after in value[expected.utf8CodeUnitCount...] {
            if after == UInt8(ascii: " ") || after == UInt8(ascii: "\t") { continue }
            return after == UInt8(ascii: ";")
        }
        return true
    }

    /// `Basic`, compared ASCII-case-insensitively (RFC 9110 §11.1) without a lowercased copy.
    /// Over the bytes where the header's string keeps them (issue 16: a `zip` of the two UTF-8
    /// views, with their index checks, was ~0.2 µs of each client authentication). `b | 0x20`
    /// equals a lowercase letter only for that letter and its uppercase form.
    static func isBasicScheme(_ scheme: Substring.UTF8View) -> Bool {
        func isBasic(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
            bytes.count == 5 && bytes[0] | 0x20 == UInt8(ascii: "b") && bytes[1] | 0x20 == UInt8(ascii: "a")
                && bytes[2] | 0x20 == UInt8(ascii: "s") && bytes[3] | 0x20 == UInt8(ascii: "i") && bytes[4] | 0x20 == UInt8(ascii: "c")
        }
        return scheme.withContiguousStorageIfAvailable(isBasic) ?? Array(scheme).withUnsafeBufferPointer(isBasic)
    }

    /// RFC 6749 §2.3.1: `Authorization: Basic base64(urlencode(id) ":" urlencode(secret))`, or
    /// `client_id` (+ `client_secret`) in the body. Read without an array of the header's values
    /// or a string of the decoded credentials (issue 16). As before: the decoded bytes must be
    /// UTF-8 (checked without a copy when they are ASCII, as form encoding makes them), split
    /// at the first `:` (RFC 7617 §2), and the id and the secret UTF-8 once percent-decoded.
    static func clientCredentials(headers: HTTPFields, form: URLEncodedFormParameters) throws -> ClientCredentials? {
        var authorization: String?
        for field in headers where field.name == .authorization {
            guard authorization == nil else { throw OAuthError.invalidRequest("More than one Authorization header.") }
            authorization = field.value
        }
        if let authorization {
            // The scheme, one or more spaces (RFC 9110 §11.4), the credentials.
            let utf8 = authorization.utf8
            guard let space = utf8.firstIndex(of: UInt8(ascii: " ")), isBasicScheme(utf8[..<space]) else {
                throw OAuthError.invalidClient("Client authentication failed.")
            }
            // Past the spaces by bytes: `Substring.drop(while:)` walks `Character`s, finding
            // grapheme boundaries the whole way (issue 16: ~0.2 µs of each request under `perf`).
            let encoded = Substring(utf8[space...].drop(while: { $0 == UInt8(ascii: " ") }))
            guard !encoded.isEmpty else { throw OAuthError.invalidClient("Client authentication failed.") }
            guard form["client_secret"] == nil else {
                throw OAuthError.invalidRequest("Use one client authentication method, not two.")
            }
            guard let decoded = Data(base64Encoded: String(encoded)) else { throw OAuthError.invalidClient("Client authentication failed.") }
            // Over the decoded bytes where `Data` keeps them (issue 16: `Data`'s generic
            // iteration looked metadata up per call).
            let pair = decoded.withUnsafeBytes { raw -> (id: String, secret: String)? in
                let bytes = raw.assumingMemoryBound(to: UInt8.self)
                guard ByteScan.isASCII(bytes) || String(validating: bytes, as: UTF8.self) != nil,
                    let colon = ByteScan.firstIndex(of: UInt8(ascii: ":"), in: bytes),
                    let id = URLEncodedFormParameters.decodeComponent(UnsafeBufferPointer(rebasing: bytes[..<colon])),
                    let secret = URLEncodedFormParameters.decodeComponent(UnsafeBufferPointer(rebasing: bytes[(colon + 1)...]))
                else { return nil }
                return (id, secret)
            }
            guard let (id, secret) = pair else { throw OAuthError.invalidClient("Client authentication failed.") }
            // A client_id in the body must name the same client.
            if let formID = form["client_id"], formID != id { throw OAuthError.invalidRequest("client_id does not match the Authorization header.") }
            return ClientCredentials(clientID: id, secret: secret, method: .clientSecretBasic)
        }
        guard let id = form["client_id"] else { return nil }
        if let secret = form["client_secret"] {
            return ClientCredentials(clientID: id, secret: secret, method: .clientSecretPost)
        }
        return ClientCredentials(clientID: id, secret: nil, method: .none)
    }
}
