import Crypto
import Foundation

extension SwaggerUIAssets {
    /// The Content-Security-Policy (CSP Level 3) of the `/docs` page, which loads these two files,
    /// runs one inline script, fetches `/openapi.json` and posts to the OAuth token `endpoints`
    /// (Swagger UI's "Authorize"):
    ///
    /// - `script-src`: the script's URL and the inline script's hash, `'sha256-…'` of the UTF-8
    ///   bytes of `inlineScript` (CSP3 hash-source; the page must send exactly those bytes between
    ///   `<script>` and `</script>`). No `'unsafe-inline'`, no `'unsafe-eval'`.
    /// - `style-src`: the stylesheet's URL and `'unsafe-inline'`, for the inline styles Swagger UI
    ///   writes as it renders.
    /// - `img-src 'self' data: blob:`: the stylesheet's icons are `data:` URLs, and an image in a
    ///   "Try it out" response is shown from a `blob:` URL.
    /// - `connect-src`: `'self'` and the origins of `endpoints`.
    /// - `default-src`, `object-src`, `base-uri`, `frame-ancestors`: `'none'`.
    ///
    /// An absolute asset URL is named with its path, not only its origin: a path-bearing source
    /// expression matches that path alone (CSP3, "Does url match expression"), and jsDelivr serves
    /// every npm package, so the bare origin would let an injected `<script src>` run anything
    /// published there. A relative asset URL is `'self'`.
    package func contentSecurityPolicy(inlineScript: String, connectingTo endpoints: [String] = []) -> String {
        let digest = SHA256.hash(data: Data(inlineScript.utf8))
        let scriptHash = "'sha256-" + Data(digest).base64EncodedString() + "'"
        let endpointOrigins = endpoints.compactMap { Self.source(for: $0, includingPath: false) }
        let directives: [(name: String, sources: [String])] = [
            ("default-src", ["'none'"]),
            ("script-src", [Self.source(for: script, includingPath: true), scriptHash].compactMap { $0 }),
            ("style-src", [Self.source(for: stylesheet, includingPath: true), "'unsafe-inline'"].compactMap { $0 }),
            ("img-src", ["'self'", "data:", "blob:"]),
            ("connect-src", ["'self'"] + endpointOrigins),
            ("object-src", ["'none'"]),
            ("base-uri", ["'none'"]),
            ("frame-ancestors", ["'none'"]),
        ]
        return directives.map { directive in
            var seen = Set<String>()
            let sources = directive.sources.filter { seen.insert($0).inserted }
            return ([directive.name] + sources).joined(separator: " ")
        }.joined(separator: "; ")
    }

    /// The CSP source expression (CSP3 §2.3.1) for `url`: `'self'` for a path on the page's own
    /// origin; for an absolute http(s) URL its scheme, host and port, and with `includingPath` its
    /// path (query and fragment dropped: a source expression carries neither, and matching ignores
    /// them). `nil` when the URL has a shape a source expression cannot carry safely: the policy
    /// then leaves it out, so the file is blocked rather than the policy widened. Only characters
    /// that cannot end a source, a directive or the policy (spaces, `;`, `,`, quotes) get through.
    package static func source(for url: String, includingPath: Bool) -> String? {
        guard let components = URLComponents(string: url) else { return nil }
        guard let host = components.host, !host.isEmpty else {
            // No scheme and no host: a path on the page's own origin.
            return components.scheme == nil ? "'self'" : nil
        }
        let scheme = components.scheme?.lowercased()
        guard scheme == nil || scheme == "https" || scheme == "http" else { return nil }
        guard host.unicodeScalars.allSatisfy({ isHostCharacter($0) }) else { return nil }
        // A scheme-relative URL (`//host/path`) gives a host-source without a scheme, which
        // matches the page's own scheme.
        var source = (scheme.map { $0 + "://" } ?? "") + host
        if let port = components.port { source += ":\(port)" }
        if includingPath {
            // `;` and `,` would end the directive or the policy; path matching percent-decodes.
            source += components.percentEncodedPath
                .replacingOccurrences(of: ";", with: "%3B")
                .replacingOccurrences(of: ",", with: "%2C")
        }
        guard source.unicodeScalars.allSatisfy({ isSourceCharacter($0) }) else { return nil }
        return source
    }

    /// Visible ASCII other than `;`, `,` and quotes.
    private static func isSourceCharacter(_ scalar: Unicode.Scalar) -> Bool {
        guard scalar.value > 0x20, scalar.value < 0x7F else { return false }
        return !";,'\"".unicodeScalars.contains(scalar)
    }

    /// CSP3 host-char (ALPHA, DIGIT, `-`) and the dots between labels.
    private static func isHostCharacter(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
            || scalar == "-" || scalar == "."
    }
}
