import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle
import Synchronization
import Testing
@testable import WardenClient
import WardenCore
import WardenServer
import WardenServerHummingbird
import WardenSQLite

/// WardenClient's authorized HTTP client against a real authorization server and a target
/// service on loopback whose answers the test controls.
@Suite struct AuthorizedHTTPClientTests {
    /// A target service that records the bearer tokens it receives and answers 401
    /// `invalid_token` for the first `refusals` requests.
    final class Target: Sendable {
        let received = Mutex<[String]>([])
        let refusals: Int
        init(refusals: Int) { self.refusals = refusals }

        func run(_ body: @Sendable (String) async throws -> Void) async throws {
            let router = Router()
            router.get("echo") { request, _ -> Response in
                let authorization = request.headers[.authorization] ?? ""
                let count = self.received.withLock { $0.append(authorization); return $0.count }
                if count <= self.refusals {
                    return Response(status: .unauthorized, headers: [.wwwAuthenticate: #"Bearer realm="t", error="invalid_token""#])
                }
                return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: "ok")))
            }
            let ready = AsyncStream<Int>.makeStream()
            let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                                  onServerRunning: { ready.continuation.yield($0.localAddress!.port!) })
            let group = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [], logger: Logger(label: "target")))
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask {
                // However the server ends, the wait for its port below ends too (no hang).
                defer { ready.continuation.finish() }
                try await group.run()
            }
                var iterator = ready.stream.makeAsyncIterator()
                guard let port = await iterator.next() else {
                try await tasks.waitForAll()
                throw CancellationError()  // ended without an error and without serving
            }
                do { try await body("http://127.0.0.1:\(port)") } catch {
                    await group.triggerGracefulShutdown()
                    throw error
                }
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
            }
        }
    }

    func client(_ server: TestServer, target: String, source: TokenSource, audience: String = "order-service", scopes: ScopeSet = ["report.read"]) -> AuthorizedHTTPClient {
        AuthorizedHTTPClient(
            identity: ClientIdentity(clientID: "report-service", clientSecret: TestServer.reportSecret, tokenEndpoint: server.baseURL + "/oauth2/token"),
            targets: ["target": ServiceTarget(baseURL: target, audience: audience, scopes: scopes, tokenSource: source)]
        )
    }

    @Test func ownIdentityTokensAreCachedAndFetchedOnceForConcurrentCalls() async throws {
        try await TestServer.run { server in
            let target = Target(refusals: 0)
            try await target.run { url in
                let client = client(server, target: url, source: .ownIdentity)
                try await withThrowingTaskGroup(of: HTTPResponseStatus.self) { group in
                    for _ in 0..<20 { group.addTask { try await client.execute(HTTPClientRequest(url: "/echo"), to: "target").status } }
                    for try await status in group { #expect(status == .ok) }
                }
                _ = try await client.execute(HTTPClientRequest(url: "/echo"), to: "target")
                let tokens = Set(target.received.withLock { $0 })
                #expect(tokens.count == 1)
                // One token issued: counted once by the minute's issuance audit.
                let counted = server.server.tokens.issuanceAudit?.drain(finishedBefore: nil) ?? []
                #expect(counted.map(\.count) == [1])
                let verified = try await server.verifier(audience: "order-service").verify(String(try #require(tokens.first).dropFirst("Bearer ".count)))
                #expect(verified.subject == "report-service")
                #expect(verified.scope == ["report.read"])
            }
        }
    }

    @Test func aRefusedTokenIsRenewedOnceAndNeverLoops() async throws {
        try await TestServer.run { server in
            let once = Target(refusals: 1)
            try await once.run { url in
                let response = try await client(server, target: url, source: .ownIdentity).execute(HTTPClientRequest(url: "/echo"), to: "target")
                #expect(response.status == .ok)
                let sent = once.received.withLock { $0 }
                #expect(sent.count == 2)
                #expect(sent[0] != sent[1])  // a new token for the retry
            }
            let always = Target(refusals: 100)
            try await always.run { url in
                let response = try await client(server, target: url, source: .ownIdentity).execute(HTTPClientRequest(url: "/echo"), to: "target")
                #expect(response.status == .unauthorized)
                #expect(always.received.withLock { $0.count } == 2)
            }
        }
    }

    @Test func callsOnAUsersBehalfNeedTheIncomingToken() async throws {
        try await TestServer.run { server in
            let target = Target(refusals: 0)
            try await target.run { url in
                for source in [TokenSource.exchangingIncomingToken, .forwardingIncomingTokenUnchanged] {
                    await #expect(throws: AuthorizedHTTPClientError.self) {
                        try await client(server, target: url, source: source).execute(HTTPClientRequest(url: "/echo"), to: "target")
                    }
                }
                await #expect(throws: AuthorizedHTTPClientError.self) {
                    try await client(server, target: url, source: .ownIdentity).execute(HTTPClientRequest(url: "/echo"), to: "elsewhere")
                }
            }
        }
    }

    @Test func forwardingSendsTheIncomingTokenUnchangedOnlyWhenNamed() async throws {
        try await TestServer.run { server in
            let target = Target(refusals: 0)
            try await target.run { url in
                let alice = try #require(try await server.passwordToken("alice", "wonderland", scope: "order.read").accessToken)
                let verified = try await server.verifier(audience: "order-service").verify(alice)
                try await IncomingAccessToken.$current.withValue(IncomingAccessToken(rawValue: alice, verified: verified)) {
                    _ = try await client(server, target: url, source: .forwardingIncomingTokenUnchanged).execute(HTTPClientRequest(url: "/echo"), to: "target")
                }
                #expect(target.received.withLock { $0 } == ["Bearer \(alice)"])
            }
        }
    }

    @Test func aRefusedExchangeIsATypedErrorWithTheOAuthCode() async throws {
        try await TestServer.run { server in
            let target = Target(refusals: 0)
            try await target.run { url in
                let alice = try #require(try await server.passwordToken("alice", "wonderland", scope: "order.read").accessToken)
                let verified = try await server.verifier(audience: "order-service").verify(alice)
                let exchanging = AuthorizedHTTPClient(
                    identity: ClientIdentity(clientID: "order-service", clientSecret: TestServer.orderSecret, tokenEndpoint: server.baseURL + "/oauth2/token"),
                    targets: ["target": ServiceTarget(baseURL: url, audience: "payment-service", scopes: ["payment.create"], tokenSource: .exchangingIncomingToken)]
                )
                do {
                    try await IncomingAccessToken.$current.withValue(IncomingAccessToken(rawValue: alice, verified: verified)) {
                        _ = try await exchanging.execute(HTTPClientRequest(url: "/echo"), to: "target")
                    }
                    Issue.record("the exchange should have been refused (alice's token has no payment.create)")
                } catch let error as AuthorizedHTTPClientError {
                    #expect(error.code == .tokenRefused)
                    #expect(error.oauthError?.code == "invalid_scope")
                    #expect(!error.description.contains(alice))
                }
                #expect(target.received.withLock { $0 }.isEmpty)
            }
        }
    }
}

/// `expires_in` from a hostile or broken token endpoint cannot trap (issue 11, item 6).
@Suite struct TokenEndpointAnswerTests {
    @Test func anyExpiresInBecomesASafeLifetime() {
        #expect(TokenEndpointClient.expiresIn(nil) == 60)
        #expect(TokenEndpointClient.expiresIn(.nan) == 60)
        #expect(TokenEndpointClient.expiresIn(.infinity) == 60)
        #expect(TokenEndpointClient.expiresIn(-.infinity) == 60)
        #expect(TokenEndpointClient.expiresIn(1e300) == 86_400)
        #expect(TokenEndpointClient.expiresIn(Double(Int.max)) == 86_400)
        #expect(TokenEndpointClient.expiresIn(-5) == 0)
        #expect(TokenEndpointClient.expiresIn(299.9) == 299)
    }
}
