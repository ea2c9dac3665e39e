import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import Prometheus
import ServiceLifecycle
import WardenClient
import WardenCore
import WardenServer
import WardenServerHummingbird
import WardenSQLite

/// A real `warden` authorization server on loopback, on a SQLite file in a temporary folder,
/// seeded with the shop's scopes, clients and users. Tests talk to it over HTTP.
struct TestServer: LoopbackHTTPTarget {
    let server: AuthorizationServer
    let store: any AuthorizationStore
    let baseURL: String
    let directory: URL

    static let orderSecret = "order-service-secret-0123456789"
    static let paymentSecret = "payment-service-secret-0123456789"
    static let reportSecret = "report-service-secret-0123456789"

    /// Starts a server, runs `body`, stops it. `path` reuses a database (restart tests).
    static func run<T: Sendable>(
        path: String? = nil,
        store givenStore: (any AuthorizationStore)? = nil,
        port: Int = 0,
        masterKey: MasterKey? = nil,
        seed: Bool = true,
        timeSource: TimeSource = .system,
        configure: (inout AuthorizationServerConfiguration) -> Void = { _ in },
        _ body: @Sendable (TestServer) async throws -> T
    ) async throws -> T {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("warden-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let databasePath = path ?? directory.appendingPathComponent("warden.sqlite").path
        let masterKey = masterKey ?? sharedMasterKey
        // A given store (PostgreSQL) is the caller's to close; a SQLite file is ours.
        let sqlite: SQLiteStore? = givenStore == nil ? try await SQLiteStore.open(path: databasePath) : nil
        let store: any AuthorizationStore = givenStore ?? sqlite!
        var configuration = AuthorizationServerConfiguration(issuer: "http://warden.test")
        configuration.keys.publishDelay = .seconds(0)
        configure(&configuration)
        var logger = Logger(label: "warden.test")
        logger.logLevel = .warning
        let registry = PrometheusCollectorRegistry()
        let server: AuthorizationServer
        do {
            server = try await AuthorizationServer.start(
                configuration: configuration,
                store: store,
                masterKey: masterKey,
                passwordHashing: PasswordHashing(cost: 4),
                timeSource: timeSource,
                metricsFactory: PrometheusMetricsFactory(registry: registry),
                prometheus: registry,
                logger: logger
            )
            if seed, path == nil { try await seedShop(server) }
        } catch {
            try? await sqlite?.close()
            throw error
        }

        let ready = AsyncStream<Int>.makeStream()
        let app = Application(
            router: try await server.router(),
            configuration: .init(address: .hostname("127.0.0.1", port: port)),
            onServerRunning: { channel in ready.continuation.yield(channel.localAddress!.port!) },
            logger: logger
        )
        var running: [any Service] = [app]
        if let changes = server.changeService { running.append(changes) }
        let services = ServiceGroup(configuration: .init(services: running, gracefulShutdownSignals: [], logger: logger))
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                // However the services end, the wait for the port below ends too.
                defer { ready.continuation.finish() }
                try await services.run()
                return nil
            }
            var iterator = ready.stream.makeAsyncIterator()
            // A server that ends before it serves (its port taken, say) gives its error here: the
            // wait used to be for a port that never came, with nothing left to run (a hang of the
            // whole suite, every thread idle; docs/status.md).
            guard let port = await iterator.next() else {
                let reason: (any Error)?
                do { try await group.waitForAll(); reason = nil } catch { reason = error }
                try? await sqlite?.close()
                throw ServerDidNotStart(reason: reason)
            }
            let test = TestServer(server: server, store: store, baseURL: "http://127.0.0.1:\(port)", directory: directory)
            let result: T
            do {
                result = try await body(test)
            } catch {
                await services.triggerGracefulShutdown()
                try? await group.waitForAll()
                try? await sqlite?.close()
                throw error
            }
            await services.triggerGracefulShutdown()
            try await group.waitForAll()
            try await sqlite?.close()
            return result
        }
    }

    static let sharedMasterKey = MasterKey.generate()

    /// The server's services ended before it served (`reason`: why, e.g. its port taken).
    struct ServerDidNotStart: Error, CustomStringConvertible {
        let reason: (any Error)?
        var description: String { "the test server ended before it served: \(reason.map { "\($0)" } ?? "no error")" }
    }

    /// The shop of issue 4: scopes, users alice (everything) and bob (order.read), the public
    /// first-party `shop-web`, the confidential `order-service` (may exchange for the payment
    /// service), `payment-service` (may exchange onwards to `ledger-service`) and
    /// `report-service` (client credentials only).
    static func seedShop(_ server: AuthorizationServer) async throws {
        let store = server.store
        for (name, description) in [("order.read", "Read orders"), ("order.write", "Place orders"), ("payment.create", "Create payments"), ("ledger.write", "Write the ledger"), ("report.read", "Read reports")] {
            try await store.createScope(ScopeRecord(scope: try Scope(validating: name), description: description))
        }
        let hashing = PasswordHashing(cost: 4)
        try await store.createUser(UserRecord(name: "alice", passwordHash: try await hashing.hash("wonderland"), scopes: ["order.read", "order.write", "payment.create", "ledger.write"]))
        try await store.createUser(UserRecord(name: "bob", passwordHash: try await hashing.hash("builder"), scopes: ["order.read"]))
        try await store.createUser(UserRecord(name: "mallory", passwordHash: try await hashing.hash("disabled!"), scopes: ["order.read"], disabled: true))
        try await store.createClient(ClientRecord(
            id: "shop-web", secretHash: nil,
            grants: [.password, .authorizationCode, .refreshToken],
            scopes: ["order.read", "order.write", "payment.create", "ledger.write"],
            redirectURIs: ["http://127.0.0.1:9999/callback"],
            audiences: ["order-service"]
        ))
        try await store.createClient(ClientRecord(
            id: "order-service", secretHash: server.secretHasher.hash(orderSecret),
            grants: [.tokenExchange, .clientCredentials],
            scopes: ["payment.create", "ledger.write"],
            audiences: ["payment-service"]
        ))
        try await store.createClient(ClientRecord(
            id: "payment-service", secretHash: server.secretHasher.hash(paymentSecret),
            grants: [.tokenExchange],
            scopes: ["ledger.write"],
            audiences: ["ledger-service"]
        ))
        try await store.createClient(ClientRecord(
            id: "report-service", secretHash: server.secretHasher.hash(reportSecret),
            grants: [.clientCredentials],
            scopes: ["report.read", "order.read"],
            audiences: ["order-service", "report-api"],
            accessTokenLifetime: .seconds(120)
        ))
    }

    /// A verifier for `audience` that trusts only this server's JWKS, fetched over HTTP.
    func verifier(audience: String) -> AccessTokenVerifier<RemoteJWKSKeySet> {
        AccessTokenVerifier(
            configuration: .init(issuer: server.configuration.issuer, audience: audience),
            keys: RemoteJWKSKeySet(url: baseURL + "/oauth2/jwks")
        )
    }
}
