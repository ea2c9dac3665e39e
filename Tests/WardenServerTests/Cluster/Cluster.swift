import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle
import Testing
import WardenClient
import WardenCore
import WardenPostgres
import WardenServer

/// Several `warden serve` processes on one PostgreSQL server of their own, seeded through the
/// `warden` CLI: scope `order.read`, confidential client `order-service` (client_credentials,
/// audience `order-service`), public client `shop-web` (password + refresh_token), user
/// `alice` / `wonderland`. All nodes share one issuer and one master key; a node can be put
/// behind a ``TCPProxy`` to cut it off from the database.
struct Cluster: Sendable {
    static let issuer = "https://auth.cluster.test"
    let postgres: ClusterPostgres
    let masterKey: String
    let orderSecret: String
    let nodes: [WardenProcess]
    let proxies: [Int: TCPProxy]

    var orderService: (String, String) { ("order-service", orderSecret) }

    /// Runs `body` with `count` nodes (started at the same moment); the nodes listed in
    /// `proxied` reach PostgreSQL through a proxy; `databaseOptions` are appended to every
    /// node's database URL (`query_timeout=2`, …).
    static func run(nodes count: Int = 3, proxied: Set<Int> = [], databaseOptions: String = "", _ body: @Sendable (Cluster) async throws -> Void) async throws {
        let postgres = try await ClusterPostgres.start()
        do {
            try await run(postgres: postgres, nodes: count, proxied: proxied, databaseOptions: databaseOptions, body)
        } catch {
            await postgres.stop()
            throw error
        }
        await postgres.stop()
    }

    private static func run(postgres: ClusterPostgres, nodes count: Int, proxied: Set<Int>, databaseOptions: String, _ body: @Sendable (Cluster) async throws -> Void) async throws {
        let masterKey = Data((0..<32).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()
        let environment = ["WARDEN_MASTER_KEY": masterKey]
        @discardableResult
        func cli(_ arguments: [String], input: String? = nil) async throws -> String {
            try await Shell.run(WardenProcess.binary, arguments + ["--database", postgres.url], environment: environment, input: input)
        }
        try await cli(["scope", "create", "order.read", "--description", "Read orders"])
        let created = try await cli(["client", "create", "order-service", "--grant", "client_credentials", "--scope", "order.read", "--audience", "order-service", "--json"])
        let secret = try #require((try? JSONSerialization.jsonObject(with: Data(created.utf8)) as? [String: Any])?["client_secret"] as? String)
        try await cli(["client", "create", "shop-web", "--public", "--grant", "password", "--grant", "refresh_token", "--scope", "order.read", "--audience", "order-service"])
        try await cli(["user", "create", "alice", "--password-stdin", "--scope", "order.read", "--bcrypt-cost", "4"], input: "wonderland\n")

        guard let components = URLComponents(string: postgres.url), let databasePort = components.port else { throw Shell.Failure(description: "bad URL \(postgres.url)") }
        var proxies: [Int: TCPProxy] = [:]
        for index in proxied { proxies[index] = try await TCPProxy.start(forwardingTo: databasePort) }
        let separator = databaseOptions.isEmpty ? "" : "?"
        let nodes = try await withThrowingTaskGroup(of: (Int, WardenProcess).self) { group in
            for index in 0..<count {
                var url = components
                if let proxy = proxies[index] { url.port = proxy.port }
                let database = (url.string ?? postgres.url) + separator + databaseOptions
                group.addTask { (index, try await WardenProcess.start(database: database, issuer: issuer, masterKey: masterKey)) }
            }
            return try await group.reduce(into: [(Int, WardenProcess)]()) { $0.append($1) }.sorted { $0.0 < $1.0 }.map(\.1)
        }
        let cluster = Cluster(postgres: postgres, masterKey: masterKey, orderSecret: secret, nodes: nodes, proxies: proxies)
        do {
            try await body(cluster)
        } catch {
            await cluster.shutDown()
            throw error
        }
        await cluster.shutDown()
    }

    private func shutDown() async {
        for node in nodes { await node.stop() }
        for proxy in proxies.values { proxy.close() }
    }

    /// `count` refresh-token families of alice's, each started on a node in turn: their first tokens.
    func refreshFamilies(_ count: Int) async throws -> [String] {
        var firsts: [String] = []
        for index in 0..<count {
            let login = try await nodes[index % nodes.count].passwordToken("alice", "wonderland", scope: "order.read")
            firsts.append(try #require(login.refreshToken, "\(login)"))
        }
        return firsts
    }

    /// The `warden` CLI against the cluster's database.
    @discardableResult
    func cli(_ arguments: [String]) async throws -> String {
        try await Shell.run(WardenProcess.binary, arguments + ["--database", postgres.url], environment: ["WARDEN_MASTER_KEY": masterKey])
    }

    /// Runs `body` with a direct connection to the database (to look at what was stored).
    func withDatabase<T: Sendable>(_ body: @Sendable (PostgresClient) async throws -> T) async throws -> T {
        let parsed = try PostgresConnectionURL(postgres.url)
        let client = PostgresClient(configuration: parsed.configuration)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            return try await body(client)
        }
    }
}
