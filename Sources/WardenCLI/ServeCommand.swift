import ArgumentParser
import Foundation
import Hummingbird
import Logging
import Metrics
import Prometheus
import WardenCore
import WardenServer
import WardenSQLite

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the authorization server.",
        discussion: """
            Environment: WARDEN_HOST, WARDEN_PORT, WARDEN_ISSUER, WARDEN_DATABASE, WARDEN_MASTER_KEY \
            (32 bytes, base64; else a key file beside the database, created with mode 0600), \
            WARDEN_MASTER_KEY_FILE, WARDEN_ALGORITHM, WARDEN_TOKEN_LIFETIME (seconds), WARDEN_LOG_LEVEL.
            """
    )

    @Option(help: "Address to listen on. Env: WARDEN_HOST.") var host: String?
    @Option(help: "Port to listen on. Env: WARDEN_PORT.") var port: Int?
    @Option(help: ArgumentHelp("The issuer URL (iss of every token). Default: http://HOST:PORT. Env: WARDEN_ISSUER.", valueName: "url")) var issuer: String?
    @Option(help: "Signing algorithm of new keys: ES256, EdDSA or RS256. Env: WARDEN_ALGORITHM.") var algorithm: String?
    @Option(help: ArgumentHelp("Default access-token lifetime in seconds (300). Env: WARDEN_TOKEN_LIFETIME.", valueName: "seconds")) var tokenLifetime: Int?
    @OptionGroup var store: StoreOptions

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let host = host ?? environment["WARDEN_HOST"] ?? "127.0.0.1"
        let port = port ?? environment["WARDEN_PORT"].map({ Int($0) ?? -1 }) ?? 8080
        guard (0...65535).contains(port) else {
            throw ValidationError("the port must be 0…65535")
        }
        let issuer = issuer ?? environment["WARDEN_ISSUER"] ?? "http://\(host):\(port)"
        guard let issuerURL = URL(string: issuer), issuerURL.scheme != nil, issuerURL.host != nil, issuerURL.query == nil, issuerURL.fragment == nil else {
            throw ValidationError("the issuer must be an absolute URL without query or fragment (RFC 8414 §2)")
        }
        var configuration = AuthorizationServerConfiguration(issuer: issuer)
        if let name = algorithm ?? environment["WARDEN_ALGORITHM"] {
            guard let algorithm = SignatureAlgorithm(jwsName: name), SigningKeyMaterial.supported.contains(algorithm) else {
                throw ValidationError("the algorithm must be ES256, EdDSA or RS256")
            }
            configuration.keys.algorithm = algorithm
        }
        if let seconds = tokenLifetime ?? environment["WARDEN_TOKEN_LIFETIME"].flatMap({ Int($0) }) {
            guard (1...86_400).contains(seconds) else { throw ValidationError("the token lifetime must be 1…86400 seconds") }
            configuration.accessTokenLifetime = .seconds(seconds)
        }
        configuration.keys.publishDelay = configuration.jwksMaxAge

        var logger = Logger(label: "warden")
        logger.logLevel = environment["WARDEN_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info

        // Metrics of every Warden part (server, verifier) go to one registry, served at /metrics.
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))

        let (masterKey, createdKey, keySource) = try store.masterKey()
        let db = try await store.openStore()
        let firstStart: Bool
        let server: AuthorizationServer
        do {
            firstStart = try await db.signingKeys().isEmpty
            server = try await AuthorizationServer.start(configuration: configuration, store: db, masterKey: masterKey, prometheus: registry, logger: logger)
        } catch {
            try? await db.close()
            throw error
        }
        if createdKey { print("created master key file \(keySource) (mode 0600): back it up; without it the signing keys cannot be read") }
        if firstStart {
            print("""
                First start: database \(store.databasePath) created with an \(configuration.keys.algorithm) signing key.
                Create scopes, clients and users with the same database, e.g.:
                  warden scope create orders.read --description "Read orders" --database \(store.databasePath)
                  warden client create my-service --grant client_credentials --scope orders.read --audience orders --database \(store.databasePath)
                  warden user create alice --password-stdin --scope orders.read --database \(store.databasePath)
                """)
        }
        let app = Application(
            router: try await server.router(),
            configuration: .init(address: .hostname(host, port: port), serverName: "warden"),
            onServerRunning: { channel in
                print("warden serving \(issuer) on \(channel.localAddress?.description ?? "\(host):\(port)")")
            },
            logger: logger
        )
        do { try await app.runService() } catch {
            try? await db.close()
            throw error
        }
        try await db.close()
    }
}
