public import PostgresNIO
import WardenCore
import WardenServer

/// A `postgres://user:password@host:port/database?…` URL, read the way libpq reads one, with
/// the options Warden understands as query parameters:
///
/// | parameter | meaning | default |
/// |---|---|---|
/// | `sslmode` | `disable`, `prefer`, `require` (encrypt, no certificate check, as libpq), `verify-ca`, `verify-full` | `verify-full`; `prefer` on loopback |
/// | `sslrootcert` | PEM file of the CA(s) to trust for `verify-ca` / `verify-full` | the system's |
/// | `connect_timeout` | seconds to establish a connection | 10 |
/// | `query_timeout` | seconds a statement may take, waiting for a connection included; then 503 | 5 |
/// | `pool_min`, `pool_max` | connections kept open at least / opened at most, per node | 0, 20 |
/// | `application_name` | shown in `pg_stat_activity` | `warden` |
///
/// Anything else is refused, so a misspelt option never silently falls back to a default.
public struct PostgresConnectionURL: Sendable {
    public var configuration: PostgresClient.Configuration
    public var queryTimeout: Duration
    /// The `sslmode` in force: the URL's, or the default for its host.
    public let sslMode: String
    /// Host, port, user and database as given (for messages; never the password).
    public let host: String
    public let port: Int
    public let user: String
    public let database: String?
    /// The TLS settings `sslmode` gave, for a connection opened outside the pool (``PostgresConnectionProbe``).
    let tls: TLSConfiguration?
    let tlsRequired: Bool
    let password: String?
    /// `connect_timeout`.
    public var connectTimeout: Duration { configuration.options.connectTimeout }
    /// Whether the server's certificate names the host (`verify-full`).
    let verifiesHostName: Bool

    public init(_ url: String) throws {
        // The text (WardenCore's `PostgresURLSettings`, NIO-free so the fuzzers build it alone);
        // here what it means for PostgresNIO.
        let settings: PostgresURLSettings
        do { settings = try PostgresURLSettings(url) } catch { throw Self.mistake(error.reason) }
        var tls = TLSConfiguration.makeClientConfiguration()
        if let rootCertificate = settings.sslRootCertificate {
            tls.trustRoots = .file(rootCertificate)
        }
        // Unlike libpq (`prefer`: encrypted if the server offers it, the certificate never
        // checked), a remote database is reached with its certificate and host name verified
        // unless the URL says otherwise: the connection carries sealed keys and password hashes.
        // On loopback there is no network to protect, and local servers rarely have TLS.
        let mode = settings.sslMode ?? (Self.isLoopback(settings.host) ? "prefer" : "verify-full")
        self.sslMode = mode
        self.host = settings.host
        self.port = settings.port
        self.user = settings.user
        self.password = settings.password
        self.database = settings.database
        let clientTLS: PostgresClient.Configuration.TLS
        switch mode {
        case "disable":
            clientTLS = .disable
        case "prefer", "require":
            // As libpq: encrypted, but the certificate is not checked (use verify-full for that).
            tls.certificateVerification = .none
            clientTLS = mode == "prefer" ? .prefer(tls) : .require(tls)
        case "verify-ca":
            tls.certificateVerification = .noHostnameVerification
            clientTLS = .require(tls)
        default:  // verify-full (`PostgresURLSettings` let no other mode through)
            tls.certificateVerification = .fullVerification
            clientTLS = .require(tls)
        }
        self.tls = mode == "disable" ? nil : tls
        self.tlsRequired = mode != "disable" && mode != "prefer"
        self.verifiesHostName = mode == "verify-full"
        var configuration = PostgresClient.Configuration(
            host: settings.host, port: settings.port, username: settings.user, password: settings.password,
            database: settings.database, tls: clientTLS
        )
        configuration.options.connectTimeout = settings.connectTimeout
        configuration.options.minimumConnections = settings.minimumConnections
        configuration.options.maximumConnections = settings.maximumConnections
        configuration.options.additionalStartupParameters = [("application_name", settings.applicationName)]
        self.queryTimeout = settings.queryTimeout
        self.configuration = configuration
    }

    /// A URL that cannot work as written: said to the operator as it is (never holds the password).
    static func mistake(_ reason: String) -> StoreError {
        StoreError(.misconfigured, "database URL: \(reason)", reason: reason)
    }

    /// `localhost`, 127.0.0.0/8 or ::1 (as URLComponents gives the host, without brackets).
    static func isLoopback(_ host: String) -> Bool {
        let lowered = host.lowercased()
        return lowered == "localhost" || lowered.hasSuffix(".localhost") || lowered == "::1" || lowered == "[::1]"
            || IPAddressRange("127.0.0.0/8")!.contains(lowered)
    }
}
