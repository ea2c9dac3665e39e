/// The cookie that carries the browser's CSRF nonce for the login and consent forms.
package struct CSRFCookie: Sendable {
    /// Whether the server is reached over https (its issuer): then the cookie is `Secure` and
    /// takes the `__Host-` prefix (RFC 6265bis §4.1.3.2), which requires `Path=/`.
    let secure: Bool

    package init(secure: Bool) { self.secure = secure }

    package var name: String { secure ? "__Host-warden_csrf" : "warden_csrf" }

    /// The `Set-Cookie` value for `value` (random base64url: nothing to escape). `SameSite=Lax`
    /// still sends it on the top-level navigation from the client to the authorize page.
    package func setCookie(value: String) -> String {
        secure
            ? "\(name)=\(value); Path=/; Secure; HttpOnly; SameSite=Lax"
            : "\(name)=\(value); Path=/oauth2/authorize; HttpOnly; SameSite=Lax"
    }
}
