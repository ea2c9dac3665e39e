import AsyncHTTPClient
import Hummingbird
import NIOCore
import NIOHTTP1
import Testing
import WardenClient
import WardenCore

/// A service calling others survives whatever its token endpoint answers: a clear
/// `AuthorizedHTTPClientError`, never a crash, a trap or a hang (issue 11, item 6).
@Suite(.timeLimit(.minutes(1))) struct HostileTokenEndpointTests {
    static let answers: [(status: HTTPResponse.Status, body: String)] = [
        (.ok, ""),
        (.ok, "{"),
        (.ok, "null"),
        (.ok, "[]"),
        (.ok, #"{"access_token": 5, "token_type": "Bearer"}"#),
        (.ok, #"{"access_token": "", "token_type": "Bearer"}"#),
        (.ok, #"{"access_token": "x", "token_type": "MAC"}"#),
        (.ok, #"{"access_token": "x"}"#),
        (.ok, #"{"access_token": "x", "token_type": "Bearer", "expires_in": 1e400}"#),
        (.ok, #"{"access_token": "x", "token_type": "Bearer", "expires_in": "3600"}"#),
        (.ok, #"{"access_token": "x", "token_type": "Bearer", "access_token": "y"}"#),
        (.ok, "{\"access_token\": \"" + String(repeating: "A", count: 200_000) + "\", \"token_type\": \"Bearer\"}"),
        (.badRequest, #"{"error": 42}"#),
        (.badRequest, "<html>no</html>"),
        (.internalServerError, ""),
        (.init(code: 299), #"{"access_token": "x", "token_type": "Bearer"}"#),
    ]

    @Test(arguments: answers.indices)
    func anyAnswerIsAClearErrorOrAToken(index: Int) async throws {
        let answer = Self.answers[index]
        let router = Router()
        router.post("token") { _, _ in
            Response(status: answer.status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: answer.body)))
        }
        router.get("echo") { _, _ in "ok" }
        try await LoopbackApp.run(router, label: "hostile-token-endpoint") { base in
            let client = AuthorizedHTTPClient(
                identity: ClientIdentity(clientID: "report-service", clientSecret: "report-secret-0123456789", tokenEndpoint: base + "/token"),
                targets: ["target": ServiceTarget(baseURL: base, audience: "order-service", scopes: ["report.read"], tokenSource: .ownIdentity)],
                tokenRequestTimeout: .seconds(5)
            )
            do {
                let response = try await client.execute(HTTPClientRequest(url: "/echo"), to: "target")
                // Only a well-formed token answer may lead to a call.
                #expect(answer.body.contains(#""token_type": "Bearer""#), "\(answer.body.prefix(80))")
                #expect(response.status == .ok)
            } catch let error as AuthorizedHTTPClientError {
                #expect(error.code == .authorizationServerUnavailable || error.code == .tokenRefused, "\(error)")
            }
        }
    }
}
