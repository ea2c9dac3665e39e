import AsyncHTTPClient
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle
import Synchronization
import Testing
import WardenClient
import WardenCore
import WardenServer
import WardenServerHummingbird

/// `AuthorizedHTTPClient` with a DPoP key (RFC 9449): tokens come bound to its key, and every
/// call carries `Authorization: DPoP` with a fresh proof for that very method, URL and token.
@Suite struct DPoPClientTests {
    /// A target that checks each call's proof as a resource server would, for the URL it was
    /// called at, and records what it saw.
    final class ProofCheckingTarget: Sendable {
        let seen = Mutex<[String]>([])
        let verifier = DPoPProofVerifier()
        /// Its own nonces (RFC 9449 §9), when it requires them.
        let nonces: DPoPNonces?

        init(nonces: DPoPNonces? = nil) { self.nonces = nonces }

        func run(_ body: @Sendable (String) async throws -> Void) async throws {
            let router = Router()
            let port = Mutex<Int>(0)
            router.get("echo") { request, _ -> Response in
                let authorization = request.headers[.authorization] ?? ""
                guard authorization.hasPrefix("DPoP "), let proof = request.headers[HTTPField.Name("DPoP")!] else {
                    self.seen.withLock { $0.append("no DPoP") }
                    return Response(status: .unauthorized)
                }
                let token = String(authorization.dropFirst(5))
                let url = "http://127.0.0.1:\(port.withLock { $0 })\(request.uri.string)"
                do {
                    var acceptsNonce: (@Sendable (String?) -> Bool)?
                    if let nonces = self.nonces { acceptsNonce = { @Sendable nonce in nonces.accepts(nonce) } }
                    let verified = try await self.verifier.verify(proof, method: "GET", uri: url, accessToken: token, isAcceptedNonce: acceptsNonce)
                    self.seen.withLock { $0.append(verified.keyThumbprint) }
                    return Response(status: .ok)
                } catch {
                    if (error as? DPoPProofError)?.reason == .nonceRequired, let nonces = self.nonces {
                        self.seen.withLock { $0.append("nonce asked") }
                        return Response(status: .unauthorized, headers: [
                            .wwwAuthenticate: #"DPoP error="use_dpop_nonce", error_description="A nonce is required.""#,
                            HTTPField.Name("DPoP-Nonce")!: nonces.current(),
                        ])
                    }
                    self.seen.withLock { $0.append("refused: \(error)") }
                    return Response(status: .unauthorized)
                }
            }
            try await LoopbackApp.run(router, label: "target") { base in
                port.withLock { $0 = Int(base.split(separator: ":").last!)! }
                try await body(base)
            }
        }
    }

    /// With or without server nonces: the client answers `use_dpop_nonce` once, with the nonce.
    @Test(arguments: [false, true])
    func boundTokensAndAFreshProofOnEveryCall(nonces: Bool) async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("warden-dpop-\(UUID().uuidString).sqlite").path
        // Learn a free port, then serve on it with its own URL as issuer: the token endpoint a
        // proof names is the one the client calls.
        let port = try await TestServer.run(path: path, masterKey: TestServer.sharedMasterKey) { server in
            try await TestServer.seedShop(server.server)
            return Int(server.baseURL.split(separator: ":").last!)!
        }
        try await TestServer.run(path: path, port: port, masterKey: TestServer.sharedMasterKey, seed: false, configure: { configuration in
            configuration.issuer = "http://127.0.0.1:\(port)"
            if nonces { configuration.dpopNonceWindow = .seconds(60) }
        }) { server in
            let key = await DPoPProofSigner.generateES256()
            let target = ProofCheckingTarget(nonces: nonces ? DPoPNonces(key: SymmetricKey(size: .bits256)) : nil)
            try await target.run { base in
                let client = AuthorizedHTTPClient(
                    identity: ClientIdentity(clientID: "report-service", clientSecret: TestServer.reportSecret, tokenEndpoint: server.baseURL + "/oauth2/token"),
                    targets: ["target": ServiceTarget(baseURL: base, audience: "order-service", scopes: ["report.read"], tokenSource: .ownIdentity)],
                    dpopKey: key
                )
                for _ in 0..<3 {
                    let response = try await client.execute(HTTPClientRequest(url: "/echo?n=1"), to: "target")
                    #expect(response.status == .ok)
                }
            }
            // Three calls, one token, each with its own proof by the client's key (a replayed
            // proof would have been refused).
            // With nonces, the first call is asked for one and answered once (the nonce then holds).
            let expected = (nonces ? ["nonce asked"] : []) + [key.thumbprint, key.thumbprint, key.thumbprint]
            #expect(target.seen.withLock { $0 } == expected)
        }
    }
}
