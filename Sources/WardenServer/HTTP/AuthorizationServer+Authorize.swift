import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import WardenCore
import WardenHummingbird

extension AuthorizationServer {
    /// The cookie that carries the browser's CSRF nonce (signed double-submit).
    static let csrfCookie = "warden_csrf"

    /// `GET /oauth2/authorize`: the login page (or an error page / error redirect).
    func authorizePage(_ request: Request, context: AuthorizationServerContext) async throws -> Response {
        let parameters: [String: String]
        do {
            // RFC 6749 §3.1: parameters sent more than once are an error; shown on a page,
            // since the redirect URI itself may be the duplicated one.
            parameters = try URLEncodedFormParameters(parsing: request.uri.query ?? "").values
        } catch {
            return Self.page(.page(status: 400, html: AuthorizationPages.error("The authorization request is malformed.")), nonceCookie: nil)
        }
        var nonce = Self.cookie(Self.csrfCookie, in: request)
        var newCookie: String?
        if nonce == nil {
            let fresh = OpaqueToken.generate(bytes: 16)
            nonce = fresh
            newCookie = fresh
        }
        return Self.page(try await authorization.start(parameters, nonce: nonce!), nonceCookie: newCookie)
    }

    /// `POST /oauth2/authorize`: the login or consent form.
    func authorizeSubmit(_ request: Request, context: AuthorizationServerContext) async throws -> Response {
        guard let contentType = request.headers[.contentType]?.lowercased(), contentType.hasPrefix("application/x-www-form-urlencoded") else {
            return Self.page(.page(status: 415, html: AuthorizationPages.error("The form was sent in an unexpected format.")), nonceCookie: nil)
        }
        var request = request
        let body: ByteBuffer
        do { body = try await request.collectBody(upTo: configuration.maximumRequestBodySize) } catch {
            return Self.page(.page(status: 413, html: AuthorizationPages.error("The form is too large.")), nonceCookie: nil)
        }
        let form: [String: String]
        do { form = try URLEncodedFormParameters(parsing: String(buffer: body)).values } catch {
            return Self.page(.page(status: 400, html: AuthorizationPages.error("The form is malformed.")), nonceCookie: nil)
        }
        let outcome = try await authorization.submit(form, nonce: Self.cookie(Self.csrfCookie, in: request), remoteAddress: context.remoteIP)
        return Self.page(outcome, nonceCookie: nil)
    }

    static func page(_ outcome: AuthorizationFlow.Outcome, nonceCookie: String?) -> Response {
        var headers: HTTPFields = [
            .cacheControl: "no-store",
            // Nothing loads from elsewhere, forms post only here, and no one may frame the page.
            .contentSecurityPolicy: "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
            HTTPField.Name("X-Frame-Options")!: "DENY",
            HTTPField.Name("Referrer-Policy")!: "no-referrer",
        ]
        if let nonceCookie {
            headers[.setCookie] = "\(csrfCookie)=\(nonceCookie); Path=/oauth2/authorize; HttpOnly; SameSite=Lax"
        }
        switch outcome {
        case .page(let status, let html):
            headers[.contentType] = "text/html; charset=utf-8"
            return Response(status: .init(code: status), headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
        case .redirect(let location):
            headers[.location] = location
            return Response(status: .found, headers: headers)
        }
    }

    /// The value of cookie `name`, if the request carries exactly one.
    static func cookie(_ name: String, in request: Request) -> String? {
        var found: [String] = []
        for header in request.headers[values: .cookie] {
            for pair in header.split(separator: ";") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                if parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces) == name {
                    found.append(String(parts[1]).trimmingCharacters(in: .whitespaces))
                }
            }
        }
        return found.count == 1 ? found[0] : nil
    }
}
