import Foundation
import Logging
import NIOCore
import PostgresNIO
import WardenCore
import WardenServer

/// One connection attempt outside the pool, to learn *why* connections fail. The pool retries a
/// failing connection with backoff and a waiting statement only ever sees its deadline pass, so
/// "no answer within 5 s" is all it could say; this turns the real cause into words an operator
/// can act on ("the server does not offer TLS: use sslmode=disable …"). Run at start (before
/// the pool is used) and in the background while the database is unreachable.
struct PostgresConnectionProbe: Sendable {
    let url: PostgresConnectionURL

    /// nil when a connection could be opened (and was closed again), else the failure with its
    /// cause in ``StoreError/reason``.
    func run(logger: Logger) async -> StoreError? {
        let tls: PostgresConnection.Configuration.TLS
        do {
            if let configuration = url.tls {
                let context = try NIOSSLContext(configuration: configuration)
                tls = url.tlsRequired ? .require(context) : .prefer(context)
            } else {
                tls = .disable
            }
        } catch {
            return StoreError(.misconfigured, "TLS settings: \(error)", reason: "the TLS settings cannot be used (\(error)); check sslrootcert")
        }
        var configuration = PostgresConnection.Configuration(
            host: url.host, port: url.port, username: url.user, password: url.password, database: url.database, tls: tls
        )
        configuration.options.connectTimeout = .nanoseconds(Int64(url.connectTimeout.timeInterval * 1_000_000_000))
        if url.verifiesHostName { configuration.options.tlsServerName = url.host }
        do {
            let connection = try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger)
            try? await connection.close()
            return nil
        } catch {
            return StoreError(.unavailable, String(reflecting: error), reason: explanation(of: error))
        }
    }

    /// The cause of a failed connection, and what to do about it. Never the password.
    func explanation(of error: any Error) -> String {
        let place = "\(url.host):\(url.port)"
        let database = url.database ?? url.user
        guard let error = error as? PSQLError else { return "cannot connect to PostgreSQL at \(place): \(error)" }
        switch error.code {
        case .sslUnsupported:
            return "the PostgreSQL server at \(place) does not offer TLS, and sslmode=\(url.sslMode) requires it: use sslmode=disable (or prefer) for a server without TLS, or turn on ssl in its postgresql.conf"
        case .authMechanismRequiresPassword:
            return "the PostgreSQL server at \(place) asks user \(url.user) for a password and the URL has none (postgres://\(url.user):PASSWORD@…)"
        case .unsupportedAuthMechanism, .saslError:
            return "the PostgreSQL server at \(place) asks for an authentication method Warden cannot use for user \(url.user); use scram-sha-256 or md5 in its pg_hba.conf"
        case .server:
            let state = error.serverInfo?[.sqlState] ?? ""
            let message = error.serverInfo?[.message] ?? ""
            switch state {
            case "28P01":
                return "the PostgreSQL server at \(place) refused the password of user \(url.user) (28P01); check the URL's user and password"
            case "28000":
                return "the PostgreSQL server at \(place) refused user \(url.user) for database \(database) (28000: \(message)); check pg_hba.conf and the user's name"
            case "3D000":
                return "the database \(database) does not exist on \(place) (3D000); create it (createdb -O \(url.user) \(database)) or fix the URL's path"
            case "57P03":
                return "the PostgreSQL server at \(place) is starting up or shutting down (57P03); it should answer shortly"
            case "53300":
                return "the PostgreSQL server at \(place) has no connection slots left (53300); lower pool_max on the nodes or raise max_connections"
            default:
                return "the PostgreSQL server at \(place) refused the connection (\(state): \(message))"
            }
        case .connectionError:
            let cause = error.underlying.map { String(describing: $0) } ?? ""
            let lowered = cause.lowercased()
            if lowered.contains("connectionrefused") || lowered.contains("connection refused") || lowered.contains("econnrefused") {
                return "nothing accepts connections at \(place) (connection refused): is PostgreSQL running there, and are the host and port right?"
            }
            if lowered.contains("timeout") || lowered.contains("timedout") {
                return "no answer from \(place) within connect_timeout (\(url.connectTimeout)): a wrong host, a firewall, or the server is down"
            }
            if lowered.contains("resolution") || lowered.contains("unknown host") || lowered.contains("name or service not known") || lowered.contains("dns") {
                return "cannot resolve the host name \(url.host)"
            }
            if lowered.contains("certificate") || lowered.contains("handshake") || lowered.contains("ssl") || lowered.contains("tls") {
                return "the TLS connection to \(place) failed (\(cause)): with sslmode=\(url.sslMode) the server's certificate must be signed by a CA in sslrootcert (or the system's)\(url.sslMode == "verify-full" ? " and name \(url.host)" : ""); sslmode=require encrypts without checking it"
            }
            return "cannot connect to PostgreSQL at \(place): \(cause.isEmpty ? "connection failed" : cause)"
        case .serverClosedConnection, .uncleanShutdown:
            return "the PostgreSQL server at \(place) closed the connection while it was being opened"
        default:
            return "cannot connect to PostgreSQL at \(place): \(error.code)"
        }
    }
}
