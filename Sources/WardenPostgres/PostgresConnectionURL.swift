import Foundation
public import PostgresNIO
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
        guard let components = URLComponents(string: url), ["postgres", "postgresql"].contains(components.scheme ?? ""),
            let host = components.host, !host.isEmpty, let user = components.user, !user.isEmpty
        else { throw Self.mistake("not a postgres://user@host/database URL") }
        var parameters: [String: String] = [:]
        for item in components.queryItems ?? [] {
            guard parameters[item.name] == nil else { throw Self.mistake("\(item.name) given twice") }
            parameters[item.name] = item.value ?? ""
        }
        func seconds(_ name: String, default value: Double) throws -> Duration {
            guard let text = parameters.removeValue(forKey: name) else { return .milliseconds(Int64(value * 1000)) }
            guard let number = Double(text), number > 0, number <= 3600 else { throw Self.mistake("\(name) must be seconds in (0, 3600]") }
            return .milliseconds(Int64(number * 1000))
        }
        func count(_ name: String, default value: Int) throws -> Int {
            guard let text = parameters.removeValue(forKey: name) else { return value }
            guard let number = Int(text), (0...1000).contains(number) else { throw Self.mistake("\(name) must be 0…1000") }
            return number
        }

        var tls = TLSConfiguration.makeClientConfiguration()
        if let rootCertificate = parameters.removeValue(forKey: "sslrootcert") {
            tls.trustRoots = .file(rootCertificate)
        }
        // Unlike libpq (`prefer`: encrypted if the server offers it, the certificate never
        // checked), a remote database is reached with its certificate and host name verified
        // unless the URL says otherwise: the connection carries sealed keys and password hashes.
        // On loopback there is no network to protect, and local servers rarely have TLS.
        let mode = parameters.removeValue(forKey: "sslmode") ?? (Self.isLoopback(host) ? "prefer" : "verify-full")
        self.sslMode = mode
        self.host = host
        self.port = components.port ?? 5432
        self.user = user
        self.password = components.password
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
        case "verify-full":
            tls.certificateVerification = .fullVerification
            clientTLS = .require(tls)
        default:
            throw Self.mistake("sslmode must be disable, prefer, require, verify-ca or verify-full")
        }

        self.tls = mode == "disable" ? nil : tls
        self.tlsRequired = mode != "disable" && mode != "prefer"
        self.verifiesHostName = mode == "verify-full"
        let database = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        self.database = database.isEmpty ? nil : database
        var configuration = PostgresClient.Configuration(
            host: host, port: components.port ?? 5432, username: user, password: components.password,
            database: database.isEmpty ? nil : database, tls: clientTLS
        )
        configuration.options.connectTimeout = try seconds("connect_timeout", default: 10)
        configuration.options.minimumConnections = try count("pool_min", default: 0)
        configuration.options.maximumConnections = try count("pool_max", default: 20)
        guard configuration.options.maximumConnections >= max(1, configuration.options.minimumConnections) else {
            throw Self.mistake("pool_max must be at least 1 and at least pool_min")
        }
        configuration.options.additionalStartupParameters = [("application_name", parameters.removeValue(forKey: "application_name") ?? "warden")]
        self.queryTimeout = try seconds("query_timeout", default: 5)
        if let unknown = parameters.keys.sorted().first {
            throw Self.mistake("unknown parameter \(unknown) (known: sslmode, sslrootcert, connect_timeout, query_timeout, pool_min, pool_max, application_name)")
        }
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
