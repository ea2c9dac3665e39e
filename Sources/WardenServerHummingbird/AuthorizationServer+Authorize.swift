import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import WardenCore
import WardenServer
import WardenHummingbird

extension AuthorizationServer {
    /// The cookie that carries the browser's CSRF nonce (signed double-submit). With an https
    /// issuer it is a `__Host-` cookie (RFC 6265bis §4.1.3.2: `Secure`, `Path=/`, no `Domain`),
    /// which no other host or plain-http page can set or overwrite.
    var csrfCookie: CSRFCookie { CSRFCookie(secure: configuration.issuer.lowercased().hasPrefix("https://")) }

    /// `GET /oauth2/authorize`: the login page (or an error page / error redirect).
    func authorizePage(_ request: Request, context: AuthorizationServerContext) async throws -> Response {
        let parameters: [String: String]
        do {
            // RFC 6749 §3.1: parameters sent more than once are an error; shown on a page,
            // since the redirect URI itself may be the duplicated one.
            parameters = try URLEncodedFormParameters(parsing: request.uri.query ?? "").values
        } catch {
            return Self.page(.page(status: 400, html: AuthorizationPages.error("The authorization request is malformed.")), setCookie: nil)
        }
        var nonce = Self.cookie(csrfCookie.name, in: request)
        var newCookie: String?
        if nonce == nil {
            let fresh = OpaqueToken.generate(bytes: 16)
            nonce = fresh
            newCookie = csrfCookie.setCookie(value: fresh)
        }
        return Self.page(try await authorization.start(parameters, nonce: nonce!), setCookie: newCookie, redirectStatus: .found)
    }

    /// `POST /oauth2/authorize`: the login or consent form.
    func authorizeSubmit(_ request: Request, context: AuthorizationServerContext) async throws -> Response {
        guard let contentType = request.headers[.contentType]?.lowercased(), contentType.hasPrefix("application/x-www-form-urlencoded") else {
            return Self.page(.page(status: 415, html: AuthorizationPages.error("The form was sent in an unexpected format.")), setCookie: nil)
        }
        var request = request
        let body: ByteBuffer
        do { body = try await request.collectBody(upTo: configuration.maximumRequestBodySize) } catch {
            return Self.page(.page(status: 413, html: AuthorizationPages.error("The form is too large.")), setCookie: nil)
        }
        let form: [String: String]
        do { form = try URLEncodedFormParameters(parsing: String(buffer: body)).values } catch {
            return Self.page(.page(status: 400, html: AuthorizationPages.error("The form is malformed.")), setCookie: nil)
        }
        let outcome = try await authorization.submit(form, nonce: Self.cookie(csrfCookie.name, in: request), remoteAddress: clientAddress(request, context: context))
        // RFC 9700 §4.11: after a form post, 303 so that the browser follows with a GET and
        // never re-sends the form (with the password) to the client.
        return Self.page(outcome, setCookie: nil, redirectStatus: .seeOther)
    }

    static func page(_ outcome: AuthorizationFlow.Outcome, setCookie: String?, redirectStatus: HTTPResponse.Status = .found) -> Response {
        var headers: HTTPFields = [
            .cacheControl: "no-store",
            HTTPField.Name("X-Content-Type-Options")!: "nosniff",
            HTTPField.Name("X-Frame-Options")!: "DENY",
            HTTPField.Name("Referrer-Policy")!: "no-referrer",
        ]
        if let setCookie { headers[.setCookie] = setCookie }
        switch outcome {
        case .page(let status, let html, let formRedirect):
            headers[.contentType] = "text/html; charset=utf-8"
            headers[.contentSecurityPolicy] = AuthorizationPagePolicy.contentSecurityPolicy(formRedirect: formRedirect)
            return Response(status: .init(code: status), headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
        case .redirect(let location):
            headers[.location] = location
            headers[.contentSecurityPolicy] = AuthorizationPagePolicy.contentSecurityPolicy(formRedirect: nil)
            return Response(status: redirectStatus, headers: headers)
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
