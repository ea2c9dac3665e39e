import ArgumentParser
import Configuration
import Foundation
import Hummingbird
import Logging
import Metrics
import NIOCore
import NIOPosix
import Prometheus
import ServiceLifecycle
import UnixSignals
import WardenCore
import WardenExecutor
import WardenServer
import WardenServerHummingbird
import WardenTelemetry


struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the authorization server.",
        discussion: """
            Every option can also come from the environment or a JSON config file (--config), first \
            match wins: option, environment variable, file. File keys sit under "warden", e.g. \
            {"warden": {"port": 8080, "issuer": "https://auth.example.com"}}.

              option             environment               config key
              --host             WARDEN_HOST               warden.host (127.0.0.1)
              --port             WARDEN_PORT               warden.port (8080)
              --issuer           WARDEN_ISSUER             warden.issuer (http://HOST:PORT)
              --database         WARDEN_DATABASE           warden.database (warden.sqlite)
              --master-key-file  WARDEN_MASTER_KEY_FILE    warden.masterKeyFile (<database>.key)
              (none)             WARDEN_MASTER_KEY         warden.masterKey (32 bytes, base64; secret)
              --algorithm        WARDEN_ALGORITHM          warden.algorithm (ES256 | EdDSA | RS256)
              --token-lifetime   WARDEN_TOKEN_LIFETIME     warden.tokenLifetime (300 seconds)
              --rotate-every     WARDEN_ROTATE_EVERY       warden.rotateEvery (seconds; off by default)
              --refresh-retry-window  WARDEN_REFRESH_RETRY_WINDOW  warden.refreshRetryWindow (30 seconds; 0 = off)
              --trusted-proxy    WARDEN_TRUSTED_PROXIES    warden.trustedProxies (CIDRs)
                                 (comma-separated in the environment; none by default)
              --client-address-header                  WARDEN_CLIENT_ADDRESS_HEADER
                                 warden.clientAddressHeader (x-forwarded-for | forwarded)
              --max-revocation-streams                WARDEN_MAX_REVOCATION_STREAMS
                                 warden.maxRevocationStreams (1000)
              --max-revocation-streams-per-address
                                 WARDEN_MAX_REVOCATION_STREAMS_PER_ADDRESS
                                 warden.maxRevocationStreamsPerAddress (16)
              --dpop-nonce-window                     WARDEN_DPOP_NONCE_WINDOW
                                 warden.dpopNonceWindow (seconds; off by default: no
                                 nonce required in DPoP proofs, RFC 9449 §8)
              --audit-retention  WARDEN_AUDIT_RETENTION    warden.auditRetention (days the audit log keeps; 90)
              --alert-webhook    WARDEN_ALERT_WEBHOOKS     warden.alertWebhooks (URLs each alert is POSTed to;
                                 comma-separated in the environment; none by default; secret)
              (none)             WARDEN_ALERT_WEBHOOK_SECRET  warden.alertWebhookSecret (signs each delivery as Standard
                                 Webhooks does: whsec_ and a base64 key; secret)
              --detect           WARDEN_DETECT             warden.detect (KIND=COUNT/WINDOW or KIND=off; repeatable,
                                 comma-separated in the environment; defaults: credential_guessing=10/5m,
                                 refresh_token_reuse=1/1h, insufficient_scope_burst=20/5m,
                                 invalid_token_burst=50/1m, revoked_token_use=3/1h, new_scope_use=7d
                                 (its learning period))
              --log-level        WARDEN_LOG_LEVEL          warden.logLevel (info)
              --config           WARDEN_CONFIG             (the file itself)
              (none)             WARDEN_EXECUTOR           generic (default), nio or swift
                                 (where tasks run; README "Speed")
              (none)             WARDEN_FLUSH              warden.flush: consolidated (default: the responses
                                 of one pass of an event loop flushed together) or each
            """
    )

    @Option(help: "Address to listen on.") var host: String?
    @Option(help: "Port to listen on.") var port: Int?
    @Option(help: ArgumentHelp("The issuer URL (iss of every token).", valueName: "url")) var issuer: String?
    @Option(help: "Signing algorithm of new keys: ES256, EdDSA or RS256.") var algorithm: String?
    @Option(help: ArgumentHelp("Default access-token lifetime in seconds.", valueName: "seconds")) var tokenLifetime: Int?
    @Option(help: ArgumentHelp("Rotate the signing key when the newest is this old.", valueName: "seconds")) var rotateEvery: Int?
    @Option(help: ArgumentHelp("Seconds within which a refresh token whose answer was lost may be presented again, while its successor is unused; 0 turns it off.", valueName: "seconds")) var refreshRetryWindow: Int?
    @Option(help: ArgumentHelp("A URL each new alert is POSTed to as JSON (retried, never logged beyond its host); repeatable.", valueName: "url")) var alertWebhook: [String] = []
    @Option(help: ArgumentHelp("A detection threshold: KIND=COUNT/WINDOW (credential_guessing=20/10m), new_scope_use=LEARNING (14d), or KIND=off; repeatable.", valueName: "kind=count/window")) var detect: [String] = []
    @Option(help: ArgumentHelp("A proxy or load balancer (address or CIDR block) whose forwarding header names the client; repeatable. Without one, forwarding headers are ignored.", valueName: "cidr")) var trustedProxy: [String] = []
    @Option(help: ArgumentHelp("The header the trusted proxies write: x-forwarded-for or forwarded (RFC 7239).", valueName: "name")) var clientAddressHeader: String?
    @Option(help: ArgumentHelp("Open revocation streams at most, in all.", valueName: "count")) var maxRevocationStreams: Int?
    @Option(help: ArgumentHelp("Open revocation streams at most from one client address.", valueName: "count")) var maxRevocationStreamsPerAddress: Int?
    @Option(help: ArgumentHelp("Require the server's nonce in DPoP proofs (RFC 9449 §8); each nonce lasts this many seconds. Off by default.", valueName: "seconds")) var dpopNonceWindow: Int?
    @Option(help: "trace, debug, info, notice, warning, error or critical.") var logLevel: String?
    @Option(help: ArgumentHelp("Days the audit log keeps its rows (1…3650; default 90).", valueName: "days")) var auditRetention: Int?
    @Flag(help: "Audit every client-credentials token in its own row (default: one row per client, scope set and minute, with the count and the first and last jti).")
    var auditEveryToken = false
    @OptionGroup var store: StoreOptions

    /// Why the server cannot listen, in words, or nil for an error that is not about listening.
    static func listenFailure(_ error: any Error, host: String, port: Int) -> CommandFailure? {
        switch error {
        case let error as IOError where error.errnoCode == EADDRINUSE:
            return CommandFailure(.unavailable, "cannot listen on \(host):\(port): the address is in use (another warden serve, or another program); stop it or choose another --port")
        case let error as IOError where error.errnoCode == EACCES:
            return CommandFailure(.unavailable, "cannot listen on \(host):\(port): permission denied (ports below 1024 need privileges); choose another --port")
        case let error as IOError where error.errnoCode == EADDRNOTAVAIL:
            return CommandFailure(.configuration, "cannot listen on \(host):\(port): no network interface of this machine has the address \(host); give --host one it has (127.0.0.1, 0.0.0.0 for all)")
        case let error as SocketAddressError:
            return CommandFailure(.configuration, "cannot listen on \(host):\(port): \(host) is not an address of this machine (\(error)); give --host an IP address")
        default:
            return nil
        }
    }

    /// Prints unbuffered (the server runs on; buffered lines would wait in a pipe).
    private func say(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    func run() async throws {
        var arguments: [AbsoluteConfigKey: ConfigValue] = [:]
        if let host { arguments["warden.host"] = .init(.string(host), isSecret: false) }
        if let port { arguments["warden.port"] = .init(.int(port), isSecret: false) }
        if let issuer { arguments["warden.issuer"] = .init(.string(issuer), isSecret: false) }
        if let algorithm { arguments["warden.algorithm"] = .init(.string(algorithm), isSecret: false) }
        if let tokenLifetime { arguments["warden.tokenLifetime"] = .init(.int(tokenLifetime), isSecret: false) }
        if let rotateEvery { arguments["warden.rotateEvery"] = .init(.int(rotateEvery), isSecret: false) }
        if let refreshRetryWindow { arguments["warden.refreshRetryWindow"] = .init(.int(refreshRetryWindow), isSecret: false) }
        if let logLevel { arguments["warden.logLevel"] = .init(.string(logLevel), isSecret: false) }
        if let auditRetention { arguments["warden.auditRetention"] = .init(.int(auditRetention), isSecret: false) }
        if let dpopNonceWindow { arguments["warden.dpopNonceWindow"] = .init(.int(dpopNonceWindow), isSecret: false) }
        if !trustedProxy.isEmpty { arguments["warden.trustedProxies"] = .init(.stringArray(trustedProxy), isSecret: false) }
        if !alertWebhook.isEmpty { arguments["warden.alertWebhooks"] = .init(.stringArray(alertWebhook), isSecret: true) }
        if !detect.isEmpty { arguments["warden.detect"] = .init(.stringArray(detect), isSecret: false) }
        if let clientAddressHeader { arguments["warden.clientAddressHeader"] = .init(.string(clientAddressHeader), isSecret: false) }
        if let maxRevocationStreams { arguments["warden.maxRevocationStreams"] = .init(.int(maxRevocationStreams), isSecret: false) }
        if let maxRevocationStreamsPerAddress { arguments["warden.maxRevocationStreamsPerAddress"] = .init(.int(maxRevocationStreamsPerAddress), isSecret: false) }
        let settings = try await store.reader(extra: arguments)

        let host = settings.string(forKey: "warden.host", default: "127.0.0.1")
        let port = settings.int(forKey: "warden.port", default: 8080)
        guard (0...65535).contains(port) else { throw ValidationError("the port must be 0…65535") }
        let issuer = settings.string(forKey: "warden.issuer", default: "http://\(host):\(port)")
        guard let issuerURL = URL(string: issuer), issuerURL.scheme != nil, issuerURL.host != nil, issuerURL.query == nil, issuerURL.fragment == nil else {
            throw ValidationError("the issuer must be an absolute URL without query or fragment (RFC 8414 §2)")
        }
        var configuration = AuthorizationServerConfiguration(issuer: issuer)
        let algorithmName = settings.string(forKey: "warden.algorithm", default: "ES256")
        guard let algorithm = SignatureAlgorithm(jwsName: algorithmName), SigningKeyMaterial.supported.contains(algorithm) else {
            throw ValidationError("the algorithm must be ES256, EdDSA or RS256")
        }
        configuration.keys.algorithm = algorithm
        let lifetime = settings.int(forKey: "warden.tokenLifetime", default: 300)
        guard (1...86_400).contains(lifetime) else { throw ValidationError("the token lifetime must be 1…86400 seconds") }
        configuration.accessTokenLifetime = .seconds(lifetime)
        configuration.keys.publishDelay = configuration.jwksMaxAge
        let retryWindow = settings.int(forKey: "warden.refreshRetryWindow", default: 30)
        guard (0...300).contains(retryWindow) else { throw ValidationError("the refresh retry window must be 0…300 seconds") }
        configuration.refreshTokenRetryWindow = .seconds(retryWindow)
        configuration.auditEveryClientCredentialsToken = auditEveryToken
        let retentionDays = settings.int(forKey: "warden.auditRetention", default: 90)
        guard (1...3650).contains(retentionDays) else { throw ValidationError("the audit retention must be 1…3650 days") }
        configuration.auditRetention = .seconds(retentionDays * 24 * 3600)
        if let window = settings.int(forKey: "warden.dpopNonceWindow") {
            guard (10...3600).contains(window) else { throw ValidationError("the DPoP nonce window must be 10…3600 seconds") }
            configuration.dpopNonceWindow = .seconds(window)
        }
        // A list, or one comma-separated string (a config file's "detect": "a=1/1m" is not
        // silently ignored: a review).
        let detectSettings = settings.stringArray(forKey: "warden.detect") ?? settings.string(forKey: "warden.detect").map { $0.split(separator: ",").map(String.init) } ?? []
        for text in detectSettings where !text.trimmingCharacters(in: .whitespaces).isEmpty {
            let setting: DetectionSetting
            do { setting = try DetectionSetting(parsing: text) } catch { throw ValidationError("--detect \(error.description)") }
            if let threshold = setting.threshold {
                configuration.detection[setting.kind] = threshold
                configuration.disabledDetection.remove(setting.kind)
            } else {
                configuration.disabledDetection.insert(setting.kind)
            }
        }
        let webhookURLs = (settings.stringArray(forKey: "warden.alertWebhooks", isSecret: true)
            ?? settings.string(forKey: "warden.alertWebhooks", isSecret: true).map { $0.split(separator: ",").map(String.init) } ?? []).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        var proxies: [IPAddressRange] = []
        for text in settings.stringArray(forKey: "warden.trustedProxies") ?? [] {
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            guard let range = IPAddressRange(trimmed) else {
                throw ValidationError("--trusted-proxy \(trimmed) is not an IP address or CIDR block (e.g. 10.0.0.0/8, 2001:db8::/32)")
            }
            proxies.append(range)
        }
        let headerName = settings.string(forKey: "warden.clientAddressHeader", default: "x-forwarded-for").lowercased()
        guard let header = TrustedProxies.Header(rawValue: headerName) else {
            throw ValidationError("--client-address-header must be x-forwarded-for or forwarded")
        }
        configuration.trustedProxies = TrustedProxies(proxies, header: header)
        let everyone = proxies.filter { $0.prefixLength == 0 }
        let maxStreams = settings.int(forKey: "warden.maxRevocationStreams", default: configuration.maximumRevocationStreams)
        let maxStreamsPerAddress = settings.int(forKey: "warden.maxRevocationStreamsPerAddress", default: configuration.maximumRevocationStreamsPerAddress)
        guard maxStreams >= 1, maxStreamsPerAddress >= 1 else { throw ValidationError("revocation stream limits must be at least 1") }
        configuration.maximumRevocationStreams = maxStreams
        configuration.maximumRevocationStreamsPerAddress = maxStreamsPerAddress
        let rotation = settings.int(forKey: "warden.rotateEvery")
        if let rotation, rotation < 3600 { throw ValidationError("--rotate-every must be at least 3600 seconds") }

        var logger = Logger(label: "warden") { DeferredMetadataLogHandler(StreamLogHandler.standardError(label: $0)) }
        guard let level = Logger.Level(rawValue: settings.string(forKey: "warden.logLevel", default: "info")) else {
            throw ValidationError("unknown log level")
        }
        logger.logLevel = level
        // Issue 16, README "Speed": `each` for an operator who measures a latency cost.
        let flush = settings.string(forKey: "warden.flush", default: "consolidated")
        guard flush == "consolidated" || flush == "each" else {
            throw CommandFailure(.configuration, "WARDEN_FLUSH (warden.flush) is consolidated or each, not '\(PrintableText.escaped(flush.prefix(64)))'")
        }
        // Tracing (issue 16) before anything that looks for a tracer when made: the webhooks'
        // HTTP client, the server's verifier, its router. Off unless OTEL_* asks for it.
        let tracing: (any Service)?
        do { tracing = try TracingBootstrap.bootstrapFromEnvironment(serviceName: "warden", logger: logger) } catch {
            throw CommandFailure(.configuration, error.description)
        }
        let webhooks: AlertWebhooks?
        let webhookSecret = settings.string(forKey: "warden.alertWebhookSecret", isSecret: true)
        do { webhooks = webhookURLs.isEmpty ? nil : try AlertWebhooks(urls: webhookURLs, secret: webhookSecret, logger: logger) } catch let error as AlertWebhookError {
            throw ValidationError("--alert-webhook: \(error.description)")
        }

        // Metrics of every Warden part (server, verifier) go to one registry, served at /metrics.
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))

        // The address first: a taken port is said before a database or key is created for a
        // server that cannot start (`PortProbe`: it accepts no connection meanwhile).
        if port != 0 {
            do {
                try await PortProbe.check(host: host, port: port)
            } catch {
                throw Self.listenFailure(error, host: host, port: port) ?? error
            }
        }
        let (masterKey, createdKey, keySource) = try store.masterKey(settings)
        // Never the password of a database URL on the terminal.
        let databasePath = store.printableDatabase(settings)
        try await store.withStore(settings) { db in
            let firstStart = try await db.signingKeys().isEmpty
            let server = try await AuthorizationServer.start(configuration: configuration, store: db, masterKey: masterKey, prometheus: registry, logger: logger)
            if createdKey { say("created master key file \(keySource) (mode 0600): back it up; without it the signing keys cannot be read") }
            if firstStart {
                let (sameDatabase, note) = store.sameDatabaseArguments(settings)
                say("""
                    First start: database \(databasePath) created with an \(configuration.keys.algorithm) signing key.
                    Create scopes, clients and users with the same database, e.g.:\(note.map { "\n  " + $0 } ?? "")
                      warden scope create orders.read --description "Read orders"\(sameDatabase)
                      warden client create my-service --grant client_credentials --scope orders.read --audience orders\(sameDatabase)
                      echo 'a long password' | warden user create alice --password-stdin --scope orders.read\(sameDatabase)
                    """)
            }
            let app = Application(
                router: try await server.router(),
                // Responses of one pass of the loop flushed together (issue 16).
                server: .http1(configuration: .init(additionalChannelHandlers: flush == "each" ? [] : [FlushConsolidationHandler()])),
                configuration: .init(address: .hostname(host, port: port), serverName: "warden"),
                onServerRunning: { channel in
                    // Written unbuffered, so it is seen at once even when stdout is a pipe or a file.
                    FileHandle.standardOutput.write(Data("warden serving \(issuer) on \(channel.localAddress?.description ?? "\(host):\(port)")\n".utf8))
                },
                logger: logger
            )
            if !proxies.isEmpty {
                logger.info("trusted proxies", metadata: ["ranges": "\(proxies.map(\.description).joined(separator: ", "))", "header": "\(header.rawValue)"])
            }
            if !everyone.isEmpty {
                logger.warning("a trusted proxy range covers every address: any client can choose the address it is throttled under", metadata: ["ranges": "\(everyone.map(\.description))"])
            }
            var services: [any Service] = [app, CleanupService(store: db, auditRetention: configuration.auditRetention, logger: logger)]
            if let webhooks {
                server.tokens.alerts.onRaised { webhooks.enqueue($0) }
                // Before the app: it stops after it, so alerts raised while requests drain go out.
                services.insert(webhooks, at: 0)
            }
            // First in the group, so that it stops last and writes what the server counted.
            if let issuanceAudit = server.tokens.issuanceAudit { services.insert(IssuanceAuditService(aggregator: issuanceAudit, store: db, logger: logger), at: 0) }
            if let rotation { services.append(KeyRotationService(keys: server.keys, every: .seconds(rotation), logger: logger)) }
            // This node's clock against the database's (client entries are timed by it).
            services.append(ClockSkewService(store: db, logger: logger))
            // On PostgreSQL: other nodes' revocations and key changes, at once (LISTEN/NOTIFY).
            if let changes = server.changeService { services.append(changes) }
            // First of all: it stops last and sends the spans still queued.
            if let tracing { services.insert(tracing, at: 0) }
            let group = ServiceGroup(configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
            do {
                try await group.run()
            } catch {
                throw Self.listenFailure(error, host: host, port: port) ?? error
            }
        }
    }
}
