import WardenCore

/// The HTML of the login, consent and error pages. Every interpolated value is escaped; pages
/// load nothing from elsewhere (the response carries a strict Content-Security-Policy).
package enum AuthorizationPages {
    /// Escaped for HTML text and attribute values (over UTF-8 bytes; see ``HTMLEscaping``).
    static func escape(_ text: String) -> String { HTMLEscaping.escape(text) }

    private static func page(title: String, body: String) -> String {
        """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(escape(title))</title>
        <style>body{font-family:system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem;color:#222}
        label{display:block;margin:.8rem 0 .2rem}input[type=text],input[type=password]{width:100%;padding:.4rem;box-sizing:border-box}
        button{margin-top:1rem;padding:.5rem 1rem}.error{color:#a00}li{margin:.3rem 0}</style></head>
        <body>\(body)</body></html>
        """
    }

    private static func hidden(_ parameters: [String: String], csrf: String) -> String {
        var fields = AuthorizationRequest.parameterNames.compactMap { name in
            parameters[name].map { "<input type=\"hidden\" name=\"\(name)\" value=\"\(escape($0))\">" }
        }
        fields.append("<input type=\"hidden\" name=\"csrf_token\" value=\"\(escape(csrf))\">")
        return fields.joined(separator: "\n")
    }

    /// The sign-in form; after a failed attempt the name stays filled in (escaped) and the
    /// password field takes the focus.
    static func login(clientID: String, parameters: [String: String], csrf: String, error: String? = nil, username: String? = nil) -> String {
        let nameValue = username.map { " value=\"\(escape(String($0.prefix(256))))\"" } ?? ""
        return page(title: "Sign in", body: """
            <h1>Sign in</h1>
            <p><strong>\(escape(clientID))</strong> asks you to sign in.</p>
            \(error.map { "<p class=\"error\" role=\"alert\">\(escape($0))</p>" } ?? "")
            <form method="post" action="/oauth2/authorize">
            \(hidden(parameters, csrf: csrf))
            <input type="hidden" name="step" value="login">
            <label for="username">Username</label><input type="text" id="username" name="username" autocomplete="username" required\(username == nil ? " autofocus" : "")\(nameValue)>
            <label for="password">Password</label><input type="password" id="password" name="password" autocomplete="current-password" required\(username == nil ? "" : " autofocus")>
            <button type="submit">Sign in</button>
            </form>
            """)
    }

    static func consent(clientID: String, user: String, scopes: [ScopeRecord], parameters: [String: String], csrf: String, ticket: String) -> String {
        let items = scopes.map { "<li><code>\(escape($0.scope.rawValue))</code>: \(escape($0.description))</li>" }.joined(separator: "\n")
        return page(title: "Allow access?", body: """
            <h1>Allow access?</h1>
            <p>Signed in as <strong>\(escape(user))</strong>. <strong>\(escape(clientID))</strong> asks to:</p>
            <ul>\(items)</ul>
            <form method="post" action="/oauth2/authorize">
            \(hidden(parameters, csrf: csrf))
            <input type="hidden" name="step" value="consent">
            <input type="hidden" name="login_ticket" value="\(escape(ticket))">
            <button type="submit" name="decision" value="allow">Allow</button>
            <button type="submit" name="decision" value="deny">Deny</button>
            </form>
            """)
    }

    package static func error(_ message: String) -> String {
        page(title: "Authorization error", body: """
            <h1>This request cannot be completed</h1>
            <p class="error" role="alert">\(escape(message))</p>
            <p>Return to the application and try again.</p>
            """)
    }
}
