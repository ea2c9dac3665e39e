import Foundation

/// The Content-Security-Policy of the login, consent and error pages (CSP Level 3): nothing loads
/// from elsewhere, no script runs, no one may frame the page, and forms post only here.
///
/// `form-action` also governs the redirects that follow a form post (Chromium enforces it on
/// them), and the answer to the login and consent forms is a redirect to the client's
/// `redirect_uri`. So a page whose form may end at the client names that URI's origin — the
/// validated, registered one — beside `'self'`; every other page allows `'self'` only.
package enum AuthorizationPagePolicy {
    package static func contentSecurityPolicy(formRedirect: String?) -> String {
        var formAction = "'self'"
        if let formRedirect, let source = source(for: formRedirect) { formAction += " " + source }
        return "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action \(formAction); frame-ancestors 'none'; base-uri 'none'"
    }

    /// The CSP source expression (CSP3 §2.3.1) matching `uri`'s origin: `scheme://host[:port]`
    /// for http(s), `scheme:` for a private-use scheme of a native app (RFC 8252 §7.1), `nil`
    /// when the URI has a shape a source expression cannot carry safely. Registered redirect
    /// URIs come from an administrator, but a policy is built only from characters that cannot
    /// end a directive or a source list (`;`, `,`, spaces, quotes).
    static func source(for uri: String) -> String? {
        guard let components = URLComponents(string: uri), let scheme = components.scheme?.lowercased(),
            let first = scheme.unicodeScalars.first, isASCIILetter(first),
            scheme.unicodeScalars.allSatisfy({ isASCIILetter($0) || ("0"..."9").contains($0) || "+-.".unicodeScalars.contains($0) })
        else { return nil }
        guard scheme == "http" || scheme == "https" else { return scheme + ":" }
        guard let host = components.host, !host.isEmpty else { return nil }
        // CSP3's host-source has no IPv6 literals (Chromium ignores `http://[::1]:8080` as an
        // invalid source), yet RFC 8252 §7.3 has native apps use `http://[::1]:PORT/`. For such
        // a host only the scheme can be named: the form may then end at any URL of that scheme,
        // which is no wider than the page's own forms allow — they post only to 'self', and the
        // page runs no script and escapes everything it shows.
        if host.contains(":") || host.hasPrefix("[") { return scheme + ":" }
        let hostAllowed = host.unicodeScalars.allSatisfy { isASCIILetter($0) || ("0"..."9").contains($0) || "-.".unicodeScalars.contains($0) }
        guard hostAllowed else { return nil }
        if let port = components.port { return "\(scheme)://\(host):\(port)" }
        return "\(scheme)://\(host)"
    }

    private static func isASCIILetter(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)
    }
}
