import AsyncHTTPClient
import Foundation
import Hummingbird
public import Logging
import ServiceLifecycle
import Synchronization
public import ShopServices
public import WardenClient
import WardenCore
import WardenExecutor
import WardenServer
public import WardenServerHummingbird
import WardenSQLite

/// The shop running on loopback: a Warden authorization server on a temporary SQLite file,
/// seeded with the shop's identities, the order service and the payment service.
///
/// A class, not a struct: handed to `run`'s async closure as a struct, its `String` members read
/// back empty in Swift 6.3.1's debug build (the task allocator freeing the closure's frame out of
/// order — the same fault `ShopDemoCommand` works around; found when `--serve` printed
/// `"database": ""`). A reference keeps the values on the heap.
public final class ShopCluster: Sendable {
    public let issuer: String
    public let orderURL: String
    public let paymentURL: String
    public let server: AuthorizationServer
    public let ledger: PaymentLedger
    public let orders: OrderBook
    /// The order service's client for calling the payment service (its token cache).
    public let orderClient: AuthorizedHTTPClient
    /// The order service's client secret (generated per run).
    public let orderSecret: String
    /// The thumbprint of the order service's DPoP key (generated per run): the `cnf.jkt` of
    /// its tokens for the payment service.
    public let orderKeyThumbprint: String
    /// The secret the order service signs its payment requests with (`hmac-sha256`, key id
    /// `order-service`; generated per run). Demo only: outside tools play the order service with it.
    public let orderSigningSecret: [UInt8]
    public static let orderSigningKeyID = "order-service"
    /// ``orderSigningSecret`` in base64url, as `shop-demo --serve` prints it.
    public var orderSigningSecretBase64URL: String { Base64URL.encode(orderSigningSecret) }
    /// The authorization server's SQLite file (removed when the cluster stops); its master key
    /// is beside it, in `<database>.key`, where `warden` looks by default — so `warden … 
    /// --database PATH` administers the running shop (rotate keys, update users).
    public let databasePath: String
    let authorizationServices: ServiceGroup
    /// The task running `authorizationServices`, once started.
    private let authorizationRun = Mutex<Task<Void, any Error>?>(nil)

    public static let webClientID = "shop-web"

    init(
        issuer: String, orderURL: String, paymentURL: String, server: AuthorizationServer, ledger: PaymentLedger, orders: OrderBook,
        orderClient: AuthorizedHTTPClient, orderSecret: String, orderKeyThumbprint: String, orderSigningSecret: [UInt8], databasePath: String,
        authorizationServices: ServiceGroup
    ) {
        self.issuer = issuer
        self.orderURL = orderURL
        self.paymentURL = paymentURL
        self.server = server
        self.ledger = ledger
        self.orders = orders
        self.orderClient = orderClient
        self.orderSecret = orderSecret
        self.orderKeyThumbprint = orderKeyThumbprint
        self.orderSigningSecret = orderSigningSecret
        self.databasePath = databasePath
        self.authorizationServices = authorizationServices
    }

    /// Stops the authorization server (the services keep running), and returns once it has
    /// stopped: a graceful shutdown only begins when triggered, and until it ends the server
    /// still answers on connections it has (a test that went on at once saw an exchange pass
    /// with the server "down", in a loaded CI run).
    public func stopAuthorizationServer() async {
        await authorizationServices.triggerGracefulShutdown()
        _ = try? await authorizationRun.withLock { $0 }?.value
    }

    /// Starts everything, runs `body`, stops everything. `history`: how many orders and
    /// payments the services keep in memory (the newest); `alertWebhooks`: where the
    /// authorization server POSTs its alerts (issue 14), signed with `alertWebhookSecret`
    /// (Standard Webhooks, `whsec_…`) when given.
    public static func run<T: Sendable>(
        logLevel: Logger.Level = .warning, history: Int = 10_000, alertWebhooks: [String] = [], alertWebhookSecret: String? = nil,
        _ body: @Sendable (ShopCluster) async throws -> T
    ) async throws -> T {
        var logger = Logger(label: "shop")
        logger.logLevel = logLevel
        // Checked before anything is opened.
        let delivery = alertWebhooks.isEmpty ? nil : try AlertWebhooks(urls: alertWebhooks, secret: alertWebhookSecret, logger: logger)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("shop-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        let (authPort, orderPort, paymentPort) = (try await FreePort.find(), try await FreePort.find(), try await FreePort.find())
        let issuer = "http://127.0.0.1:\(authPort)"
        let databasePath = directory.appendingPathComponent("warden.sqlite").path
        let store = try await SQLiteStore.open(path: databasePath)
        var configuration = AuthorizationServerConfiguration(issuer: issuer)
        configuration.keys.publishDelay = .zero
        let server: AuthorizationServer
        let orderSecret = OpaqueToken.generate()
        let paymentSecret = OpaqueToken.generate()
        let masterKey: MasterKey
        do { masterKey = try MasterKey.loadOrCreate(path: databasePath + ".key").key } catch {
            await Self.close(store)
            throw error
        }
        // 256 bits from the system's CSPRNG (SystemRandomNumberGenerator).
        let orderSigningSecret = (0..<32).map { _ in UInt8.random(in: .min ... .max) }
        do {
            server = try await AuthorizationServer.start(configuration: configuration, store: store, masterKey: masterKey, passwordHashing: PasswordHashing(cost: 8), logger: logger)
            try await seed(server, orderSecret: orderSecret, paymentSecret: paymentSecret,
                           orderSigningKey: try ClientSigningKey.sealing(secret: orderSigningSecret, id: orderSigningKeyID, with: masterKey))
        } catch {
            await Self.close(store)
            throw error
        }
        let authApp = Application(router: try await server.router(), server: .http1(configuration: .init(additionalChannelHandlers: [FlushConsolidationHandler()])), configuration: .init(address: .hostname("127.0.0.1", port: authPort), serverName: "warden"), logger: logger)
        // The issuance audit first: it stops after the HTTP server and writes what it counted.
        let issuanceAudit = server.tokens.issuanceAudit.map { IssuanceAuditService(aggregator: $0, store: store, logger: logger) }
        // Expired rows deleted as `warden serve` does (a soak run's disk stays bounded, issue 17).
        let cleanup = CleanupService(store: store, auditRetention: configuration.auditRetention, logger: logger)
        var webhooks: [any Service] = []
        if let delivery {
            server.tokens.alerts.onRaised { delivery.enqueue($0) }
            webhooks.append(delivery)
        }
        let authorizationServices = ServiceGroup(configuration: .init(services: (issuanceAudit.map { [$0] } ?? []) + [authApp, cleanup] + webhooks, gracefulShutdownSignals: [], logger: logger))

        let orderSigningKey = try HTTPSignatureKey.hmacSHA256(id: orderSigningKeyID, secret: orderSigningSecret)
        let ledger = PaymentLedger(capacity: history)
        var paymentConfiguration = PaymentServiceConfiguration(issuer: issuer, clientSecret: paymentSecret)
        paymentConfiguration.port = paymentPort
        let payment = buildPaymentService(configuration: paymentConfiguration, ledger: ledger, logger: logger)
        let orders = OrderBook(capacity: history)
        let orderKey = await DPoPProofSigner.generateES256()
        var orderConfiguration = OrderServiceConfiguration(issuer: issuer, clientSecret: orderSecret, paymentServiceURL: "http://127.0.0.1:\(paymentPort)", dpopKey: orderKey, signingKey: orderSigningKey)
        orderConfiguration.port = orderPort
        let (order, orderClient) = buildOrderService(configuration: orderConfiguration, orders: orders, logger: logger)
        let shopServices = ServiceGroup(configuration: .init(services: [payment, order], gracefulShutdownSignals: [], logger: logger))

        let cluster = ShopCluster(
            issuer: issuer, orderURL: "http://127.0.0.1:\(orderPort)", paymentURL: "http://127.0.0.1:\(paymentPort)",
            server: server, ledger: ledger, orders: orders, orderClient: orderClient, orderSecret: orderSecret, orderKeyThumbprint: orderKey.thumbprint, orderSigningSecret: orderSigningSecret,
            databasePath: databasePath, authorizationServices: authorizationServices
        )
        // The store is closed on every path (SQLiteNIO asserts on a connection dropped open).
        let result: T
        do {
            result = try await run(cluster: cluster, authorizationServices: authorizationServices, shopServices: shopServices, body)
        } catch {
            await Self.close(store)
            throw error
        }
        // In a task of its own, as below: this task may have been cancelled (Ctrl-C).
        try await Task { try await store.close() }.value
        return result
    }

    /// Closes `store` on a failure path, in a task of its own: when the run was cancelled
    /// (Ctrl-C on the scenario), a close in the cancelled task ends before the connection is
    /// closed (NIOThreadPool checks for cancellation first), and SQLiteNIO traps on a connection
    /// dropped open.
    static func close(_ store: SQLiteStore) async {
        await Task { try? await store.close() }.value
    }

    private static func run<T: Sendable>(
        cluster: ShopCluster, authorizationServices: ServiceGroup, shopServices: ServiceGroup, _ body: @Sendable (ShopCluster) async throws -> T
    ) async throws -> T {
        let issuer = cluster.issuer
        // A server that cannot start (its port taken) ends its group at once: said then, not
        // after a minute of waiting for it to answer.
        let stopped = FirstFailure()
        // Unstructured tasks, not children of this one: a cancelled run (Ctrl-C on the scenario)
        // stops the servers gracefully below instead of cancelling them, which NIO does not take
        // well mid-accept ("Deinited NIOAsyncWriter without calling finish()", a trap: 2 runs in
        // 40 of a review's Ctrl-C loop).
        func start(_ services: ServiceGroup) -> Task<Void, any Error> {
            Task {
                do { try await services.run() } catch {
                    stopped.record(error)
                    throw error
                }
            }
        }
        let authorization = start(authorizationServices)
        cluster.authorizationRun.withLock { $0 = authorization }
        let shop = start(shopServices)
        do {
            try await waitUntilUp([issuer + "/health", cluster.orderURL + "/orders", cluster.paymentURL + "/payments"], check: stopped.check)
            let result = try await body(cluster)
            // The shop's services first, and all the way: their security-event reporters send
            // what is queued to the authorization server at shutdown, which must still be
            // answering (stopped together, each reporter waited out its 5 s grace for a server
            // that had gone: shop-demo took 10 s to exit).
            await shopServices.triggerGracefulShutdown()
            try await shop.value
            await authorizationServices.triggerGracefulShutdown()
            try await authorization.value
            return result
        } catch {
            await shopServices.triggerGracefulShutdown()
            _ = try? await shop.value
            await authorizationServices.triggerGracefulShutdown()
            _ = try? await authorization.value
            throw error
        }
    }

    /// The identities of issue 4, on a fresh database.
    static func seed(_ server: AuthorizationServer, orderSecret: String, paymentSecret: String, orderSigningKey: ClientSigningKey) async throws {
        let store = server.store
        for (scope, description) in ShopScopes.all {
            try await store.createScope(ScopeRecord(scope: scope, description: description))
        }
        let hashing = PasswordHashing(cost: 8)
        try await store.createUser(UserRecord(name: "alice", passwordHash: try await hashing.hash("wonderland"), scopes: [.orderWrite, .orderRead, .paymentCreate]))
        try await store.createUser(UserRecord(name: "bob", passwordHash: try await hashing.hash("builder"), scopes: [.orderRead]))
        try await store.createClient(ClientRecord(
            id: webClientID, secretHash: nil,
            grants: [.password, .authorizationCode, .refreshToken],
            scopes: [.orderRead, .orderWrite, .paymentCreate],
            redirectURIs: ["http://127.0.0.1:8400/callback"],
            audiences: ["order-service"]
        ))
        try await store.createClient(ClientRecord(
            id: "order-service", secretHash: server.secretHasher.hash(orderSecret),
            grants: [.tokenExchange],
            scopes: [.paymentCreate],
            audiences: ["payment-service"],
            signingKeys: [orderSigningKey]
        ))
        // The payment service only authenticates: it asks for its callers' signing keys.
        try await store.createClient(ClientRecord(id: "payment-service", secretHash: server.secretHasher.hash(paymentSecret), grants: [], scopes: []))
    }

    /// Polls until every URL answers (any status), at most a few seconds; `check` throws to stop
    /// waiting (a server that could not start).
    static func waitUntilUp(_ urls: [String], check: () throws -> Void = {}) async throws {
        for url in urls {
            var attempts = 0
            while true {
                attempts += 1
                try check()
                do {
                    _ = try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .milliseconds(500))
                    break
                } catch {
                    guard attempts < 100 else { throw error }
                    try await Task.sleep(for: .milliseconds(50))
                }
            }
        }
    }
}
