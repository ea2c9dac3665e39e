import Testing
import WardenCore

struct LoggableURLTests {
    @Test(arguments: [
        ("https://auth.example.com/oauth2/jwks", "https://auth.example.com/oauth2/jwks"),
        ("https://user:hunter2@auth.example.com:8443/oauth2/jwks?key=abc#frag", "https://auth.example.com:8443/oauth2/jwks"),
        ("http://127.0.0.1:1/oauth2/revocations?access_token=eyJ", "http://127.0.0.1:1/oauth2/revocations"),
        ("not a url", "(unparsable URL)"),
        ("/relative/path", "(unparsable URL)"),
    ])
    func keepsOnlySchemeHostPortAndPath(url: String, logged: String) {
        #expect(LoggableURL.describe(url) == logged)
    }
}
