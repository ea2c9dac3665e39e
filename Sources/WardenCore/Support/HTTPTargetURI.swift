import Foundation

/// An absolute http(s) URI taken apart as RFC 9110 §4.2 and §7.2 see it: the scheme and the
/// authority in lower case with the default port left out, the path (`/` when empty) and the
/// query as sent, percent-encoding kept. What a DPoP proof's `htu` (RFC 9449) and a message
/// signature's derived components (RFC 9421 §2.2) are made of. Foundation parses.
struct HTTPTargetURI {
    let scheme: String
    let authority: String
    let path: String
    let query: String?

    /// `nil` when `text` is not an absolute http(s) URI with a host, or carries user information.
    init?(_ text: String) {
        guard let components = URLComponents(string: text),
            let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = components.percentEncodedHost?.lowercased(), !host.isEmpty,
            components.percentEncodedUser == nil, components.percentEncodedPassword == nil
        else { return nil }
        var authority = host
        if let port = components.port, !(scheme == "http" && port == 80), !(scheme == "https" && port == 443) {
            authority += ":\(port)"
        }
        let path = components.percentEncodedPath
        self.scheme = scheme
        self.authority = authority
        self.path = path.isEmpty ? "/" : path
        self.query = components.percentEncodedQuery
    }
}
