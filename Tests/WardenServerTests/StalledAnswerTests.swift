import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Testing
import WardenClient
import WardenCore
import WardenTesting

/// A server that sends its answer's head and then stalls the body must not hold Warden's HTTP
/// callers: the JWKS fetch and the token request are bounded as a whole, not just to the head.
@Suite(.timeLimit(.minutes(1))) struct StalledAnswerTests {
    @Test func aJWKSFetchWhoseBodyStallsFailsAtTheRequestTimeout() async throws {
        let endpoint = StallingBodyEndpoint()
        try await endpoint.run { base in
            var configuration = RemoteJWKSConfiguration()
            configuration.requestTimeout = .seconds(2)  // long enough to reach a loaded machine's endpoint; the stall is for ever
            let keys = RemoteJWKSKeySet(url: base + "/oauth2/jwks", configuration: configuration)
            let started = ContinuousClock.now
            #expect(await keys.refresh() == false)
            #expect(ContinuousClock.now - started < .seconds(10))
            // A verification that needs the keys is refused, not held.
            let issuer = await TestTokenIssuer()
            let verifier = AccessTokenVerifier(configuration: issuer.verifierConfiguration, keys: keys)
            await #expect(throws: TokenVerificationError.self) { try await verifier.verify(try issuer.token()) }
            #expect(endpoint.requests >= 1)
        }
    }

    @Test func aTokenRequestWhoseBodyStallsIsUnavailableAtTheTimeout() async throws {
        let endpoint = StallingBodyEndpoint()
        try await endpoint.run { base in
            let client = AuthorizedHTTPClient(
                identity: ClientIdentity(clientID: "report-service", clientSecret: "report-secret-0123456789", tokenEndpoint: base + "/oauth2/token"),
                targets: ["target": ServiceTarget(baseURL: base, audience: "order-service", scopes: ["report.read"], tokenSource: .ownIdentity)],
                tokenRequestTimeout: .seconds(2)
            )
            do {
                _ = try await client.execute(.init(url: base + "/echo"), to: "target")
                Issue.record("a call went out without a token")
            } catch let error as AuthorizedHTTPClientError {
                #expect(error.code == .authorizationServerUnavailable, "\(error)")
            }
            #expect(endpoint.requests == 1)
        }
    }
}

/// ``AuthorizedHTTPClient/collect(_:to:timeout:upTo:)``: the whole answer under one limit.
@Suite(.timeLimit(.minutes(1))) struct CollectedAnswerTests {
    @Test func aTargetThatStallsMidBodyIsIncompleteAtTheTimeout() async throws {
        try await TestServer.run { server in
            let target = StallingBodyEndpoint()
            try await target.run { url in
                let client = AuthorizedHTTPClient(
                    identity: ClientIdentity(clientID: "report-service", clientSecret: TestServer.reportSecret, tokenEndpoint: server.baseURL + "/oauth2/token"),
                    targets: ["target": ServiceTarget(baseURL: url, audience: "order-service", scopes: ["report.read"], tokenSource: .ownIdentity)]
                )
                do {
                    // The limit covers the token request too: 10 s, so that a loaded machine
                    // (the whole suite at once) still gets the token and reaches the target
                    // (3 s was not always enough); the stall is for good, so it only costs time.
                    _ = try await client.collect(HTTPClientRequest(url: "/echo"), to: "target", timeout: .seconds(10))
                    Issue.record("a stalled answer came back whole")
                } catch let error as AuthorizedHTTPClientError {
                    #expect(error.code == .targetAnswerIncomplete, "\(error)")
                }
                #expect(target.requests == 1)
            }
        }
    }

    @Test func aWholeAnswerComesBackAndAnOversizedOneIsRefused() async throws {
        try await TestServer.run { server in
            let target = AuthorizedHTTPClientTests.Target(refusals: 0)
            try await target.run { url in
                let client = AuthorizedHTTPClient(
                    identity: ClientIdentity(clientID: "report-service", clientSecret: TestServer.reportSecret, tokenEndpoint: server.baseURL + "/oauth2/token"),
                    targets: ["target": ServiceTarget(baseURL: url, audience: "order-service", scopes: ["report.read"], tokenSource: .ownIdentity)]
                )
                let answer = try await client.collect(HTTPClientRequest(url: "/echo"), to: "target")
                #expect(answer.status == .ok)
                #expect(String(buffer: answer.body) == "ok")
                do {
                    _ = try await client.collect(HTTPClientRequest(url: "/echo"), to: "target", upTo: 1)
                    Issue.record("an answer over the size limit came back")
                } catch let error as AuthorizedHTTPClientError {
                    #expect(error.code == .targetAnswerIncomplete, "\(error)")
                }
            }
        }
    }
}
