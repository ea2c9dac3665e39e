import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle
import Testing
import WardenClient
import WardenCore
import WardenServer
import WardenServerHummingbird
import WardenSQLite
import WardenTesting

/// The live revocation stream and the subscriber that fills a resource server's deny list.
@Suite struct RevocationStreamTests {
    static let report = ("report-service", TestServer.reportSecret)

    func issueAndRevoke(_ server: TestServer) async throws -> String {
        let token = try #require(try await server.post("/oauth2/token", [("grant_type", "client_credentials")], basic: Self.report).accessToken)
        let jti = try await server.verifier(audience: "order-service").verify(token).tokenID
        _ = try await server.post("/oauth2/revoke", [("token", token)], basic: Self.report)
        return jti
    }


    @Test func theStreamSendsEventsAndResumesFromLastEventID() async throws {
        try await TestServer.run { server in
            let first = try await issueAndRevoke(server)
            var request = HTTPClientRequest(url: server.baseURL + "/oauth2/revocations")
            request.headers.add(name: "Accept", value: "text/event-stream")
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
            #expect(response.headers.first(name: "Content-Type") == "text/event-stream")
            var text = ""
            var iterator = response.body.makeAsyncIterator()
            while !text.contains(first) {
                guard let buffer = try await iterator.next() else { break }
                text += String(buffer: buffer)
            }
            #expect(text.contains("id: 1\nevent: revocation\ndata: {\"exp\":"))
            // A revocation made now is pushed on the open stream.
            let second = try await issueAndRevoke(server)
            while !text.contains(second) {
                guard let buffer = try await iterator.next() else { break }
                text += String(buffer: buffer)
            }
            #expect(text.contains("id: 2\n"))

            // Resuming after cursor 1 sends only the second.
            var resume = HTTPClientRequest(url: server.baseURL + "/oauth2/revocations")
            resume.headers.add(name: "Accept", value: "text/event-stream")
            resume.headers.add(name: "Last-Event-ID", value: "1")
            let resumed = try await HTTPClient.shared.execute(resume, timeout: .seconds(30))
            var resumedText = ""
            var resumedIterator = resumed.body.makeAsyncIterator()
            while !resumedText.contains(second) {
                guard let buffer = try await resumedIterator.next() else { break }
                resumedText += String(buffer: buffer)
            }
            #expect(!resumedText.contains(first))

            var bad = HTTPClientRequest(url: server.baseURL + "/oauth2/revocations")
            bad.headers.add(name: "Accept", value: "text/event-stream")
            bad.headers.add(name: "Last-Event-ID", value: "-5")
            #expect(try await HTTPClient.shared.execute(bad, timeout: .seconds(10)).status == .badRequest)
        }
    }

    /// A revocation made through this server is pushed down the stream at once. The stream's
    /// database poll is set to an hour here, so only the push can deliver it within the wait
    /// (no wall-clock assertion: the check cannot be passed by a slow poll, nor failed by a slow
    /// machine).
    @Test func aRevocationIsPushedToSubscribersNotWaitedForByPolling() async throws {
        try await TestServer.run(configure: { $0.revocationStreamPollInterval = .seconds(3600) }) { server in
            try await Self.withSubscribedVerifier(of: server) { verifier, revocations, subscriber in
                let login = try await server.passwordToken("alice", "wonderland", scope: "order.read")
                let token = try #require(login.accessToken)
                _ = try await verifier.verify(token)  // cached now
                _ = try await server.post("/oauth2/revoke", [("token", token), ("client_id", "shop-web")])
                #expect(try await eventually { await verifier.refusal(of: token) == .revoked })
                #expect(subscriber.receivedCount == 1)
            }
        }
    }

    /// A revocation made by another process (the CLI writes the database directly) reaches the
    /// stream by its poll of the database.
    @Test func aRevocationWrittenByAnotherProcessArrivesByPolling() async throws {
        try await TestServer.run { server in
            try await Self.withSubscribedVerifier(of: server) { verifier, revocations, subscriber in
                let other = try #require(try await server.passwordToken("alice", "wonderland", scope: "order.read").accessToken)
                let otherID = try await verifier.verify(other).tokenID
                _ = try await server.store.revoke(tokenID: otherID, expiresAt: Date().addingTimeInterval(300), at: Date())
                #expect(try await eventually { revocations.isRevoked(tokenID: otherID) })
                #expect(await verifier.refusal(of: other) == .revoked)
                #expect(subscriber.receivedCount == 1)
            }
        }
    }

    /// Runs `body` with a verifier fed by a revocation subscriber of `server`'s feed, the
    /// subscriber running as a service for the duration.
    private static func withSubscribedVerifier(
        of server: TestServer,
        _ body: (AccessTokenVerifier<RemoteJWKSKeySet>, RevocationList, RevocationFeedSubscriber) async throws -> Void
    ) async throws {
        let revocations = RevocationList()
        let subscriber = RevocationFeedSubscriber(url: server.baseURL + "/oauth2/revocations", revocations: revocations)
        let verifier = AccessTokenVerifier(
            configuration: .init(issuer: server.server.configuration.issuer, audience: "order-service"),
            keys: RemoteJWKSKeySet(url: server.baseURL + "/oauth2/jwks"),
            revocations: revocations
        )
        let group = ServiceGroup(configuration: .init(services: [subscriber], gracefulShutdownSignals: [], logger: Logger(label: "test")))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            try await body(verifier, revocations, subscriber)
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    @Test func theSubscriberReconnectsAfterTheServerRestartsAndMissesNothing() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("warden-sse-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("warden.sqlite").path
        // First life: find a port, revoke one token.
        let (port, first) = try await TestServer.run(path: path, seed: false) { server in
            try await TestServer.seedShop(server.server)
            return (Int(server.baseURL.split(separator: ":").last!)!, try await issueAndRevoke(server))
        }
        let revocations = RevocationList()
        var configuration = RevocationFeedSubscriber.Configuration()
        configuration.maximumBackoff = .milliseconds(200)
        // Refused connections fail at once anyway; the restarted server's answer on a loaded
        // machine must not be cut off (300 ms was).
        configuration.connectTimeout = .seconds(3)
        let subscriber = RevocationFeedSubscriber(url: "http://127.0.0.1:\(port)/oauth2/revocations", revocations: revocations, configuration: configuration)
        let group = ServiceGroup(configuration: .init(services: [subscriber], gracefulShutdownSignals: [], logger: Logger(label: "test")))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            // The server is down: the subscriber keeps trying.
            #expect(try await eventually { subscriber.connectionCount >= 2 })
            try await TestServer.run(path: path, port: port, seed: false) { server in
                #expect(try await eventually { revocations.isRevoked(tokenID: first) })
                let second = try await issueAndRevoke(server)
                #expect(try await eventually { revocations.isRevoked(tokenID: second) })
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        #expect(subscriber.cursor == 2)
    }
}
