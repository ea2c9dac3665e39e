import Foundation
import Hummingbird
import HTTPTypes
import NIOCore

/// Finds the one bearer token of a request (RFC 6750 §2), or none, or refuses the request.
struct BearerCredentialExtractor: Sendable {
    let configuration: BearerAuthenticatorConfiguration

    /// The token, or `nil` when the request has no bearer credentials.
    /// - Throws: ``BearerError`` `invalid_request` for several credentials or bad syntax.
    func extract(from request: inout Request) async throws -> String? {
        var found: [String] = []

        let headers = request.headers[values: .authorization]
        if headers.count > 1 { throw invalid("The request has more than one Authorization header.") }
        if let header = headers.first, let token = try bearerToken(inAuthorization: header) {
            found.append(token)
        }

        let queryTokens = request.uri.queryParameters.getAll("access_token")
        if !queryTokens.isEmpty {
            guard configuration.allowsQueryToken else {
                throw invalid("Access tokens in the URI query are not accepted.")
            }
            found.append(contentsOf: queryTokens.map { String($0) })
        }

        if configuration.allowsFormBodyToken, request.method != .get, request.method != .head,
            let contentType = request.headers[.contentType],
            contentType.lowercased().hasPrefix("application/x-www-form-urlencoded")
        {
            let body = try await request.collectBody(upTo: configuration.maximumFormBodySize)
            found.append(contentsOf: URLEncodedFormParameters.allValues(named: "access_token", in: String(buffer: body)))
        }

        // RFC 6750 §2: clients MUST NOT use more than one method in each request.
        guard found.count <= 1 else { throw invalid("The request carries more than one access token.") }
        guard let token = found.first else { return nil }
        guard Self.isB64Token(token) else { throw invalid("The access token is malformed.") }
        return token
    }

    /// `credentials = "Bearer" 1*SP b64token` (RFC 6750 §2.1); the scheme is case-insensitive
    /// (RFC 9110 §11.1). Another scheme is not a bearer credential.
    private func bearerToken(inAuthorization header: String) throws -> String? {
        let utf8 = Array(header.utf8)
        guard let space = utf8.firstIndex(of: 0x20) else {
            if header.lowercased() == "bearer" { throw invalid("The Authorization header has no token.") }
            return nil
        }
        guard String(decoding: utf8[..<space], as: UTF8.self).lowercased() == "bearer" else { return nil }
        let rest = utf8[space...].drop { $0 == 0x20 }
        guard !rest.isEmpty, Self.isB64Token(rest) else { throw invalid("The Authorization header is malformed.") }
        return String(decoding: rest, as: UTF8.self)
    }

    /// `b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="`
    static func isB64Token(_ token: some StringProtocol) -> Bool { isB64Token(Array(token.utf8)[...]) }

    static func isB64Token(_ bytes: ArraySlice<UInt8>) -> Bool {
        var seenPadding = false
        var count = 0
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "="):
                seenPadding = true
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
                UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "+"), UInt8(ascii: "/"):
                if seenPadding { return false }
                count += 1
            default:
                return false
            }
        }
        return count > 0
    }

    private func invalid(_ description: String) -> BearerError {
        .invalidRequest(realm: configuration.realm, description: description)
    }
}
