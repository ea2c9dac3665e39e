import Foundation

/// The text of a `postgres://user:password@host:port/database?…` URL, read the way libpq reads
/// one, with the options Warden understands as query parameters (the table is on
/// `PostgresConnectionURL` in WardenPostgres, which turns these settings into PostgresNIO's
/// configuration and picks the default `sslmode` for the host).
///
/// Hand-written on Foundation's `URLComponents` (no listed package reads libpq's options). Here,
/// with the core's other hand-written parsers, because it needs nothing but Foundation: the
/// fuzzers (`Fuzz/`) build it without NIO or PostgresNIO. Every mistake is a ``Mistake`` whose
/// reason never holds the password (the message is printed and logged).
package struct PostgresURLSettings: Sendable, Equatable {
    package let host: String
    package let port: Int
    package let user: String
    package let password: String?
    package let database: String?
    /// `sslmode` as given (one of ``sslModes``); `nil`: the default for the host.
    package let sslMode: String?
    /// `sslrootcert`: a PEM file of the CA(s) to trust.
    package let sslRootCertificate: String?
    package let connectTimeout: Duration
    package let queryTimeout: Duration
    package let minimumConnections: Int
    package let maximumConnections: Int
    package let applicationName: String

    /// A URL that cannot work as written.
    package struct Mistake: Error, CustomStringConvertible {
        package let reason: String
        package var description: String { reason }
    }

    package static let sslModes: Set<String> = ["disable", "prefer", "require", "verify-ca", "verify-full"]

    /// Reads `url`; the checks in the order they were always made, so the first mistake named
    /// is the same.
    package init(_ url: String) throws(Mistake) {
        guard let components = URLComponents(string: url), ["postgres", "postgresql"].contains(components.scheme ?? ""),
            let host = components.host, !host.isEmpty, let user = components.user, !user.isEmpty
        else { throw Mistake(reason: "not a postgres://user@host/database URL") }
        var parameters: [String: String] = [:]
        for item in components.queryItems ?? [] {
            guard parameters[item.name] == nil else { throw Mistake(reason: "\(item.name) given twice") }
            parameters[item.name] = item.value ?? ""
        }
        func seconds(_ name: String, default value: Double) throws(Mistake) -> Duration {
            guard let text = parameters.removeValue(forKey: name) else { return .milliseconds(Int64(value * 1000)) }
            guard let number = Double(text), number > 0, number <= 3600 else { throw Mistake(reason: "\(name) must be seconds in (0, 3600]") }
            return .milliseconds(Int64(number * 1000))
        }
        func count(_ name: String, default value: Int) throws(Mistake) -> Int {
            guard let text = parameters.removeValue(forKey: name) else { return value }
            guard let number = Int(text), (0...1000).contains(number) else { throw Mistake(reason: "\(name) must be 0…1000") }
            return number
        }
        self.sslRootCertificate = parameters.removeValue(forKey: "sslrootcert")
        let mode = parameters.removeValue(forKey: "sslmode")
        if let mode, !Self.sslModes.contains(mode) {
            throw Mistake(reason: "sslmode must be disable, prefer, require, verify-ca or verify-full")
        }
        self.sslMode = mode
        self.host = host
        self.port = components.port ?? 5432
        self.user = user
        self.password = components.password
        let database = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        self.database = database.isEmpty ? nil : database
        self.connectTimeout = try seconds("connect_timeout", default: 10)
        self.minimumConnections = try count("pool_min", default: 0)
        self.maximumConnections = try count("pool_max", default: 20)
        guard maximumConnections >= max(1, minimumConnections) else {
            throw Mistake(reason: "pool_max must be at least 1 and at least pool_min")
        }
        self.applicationName = parameters.removeValue(forKey: "application_name") ?? "warden"
        self.queryTimeout = try seconds("query_timeout", default: 5)
        if let unknown = parameters.keys.sorted().first {
            throw Mistake(reason: "unknown parameter \(unknown) (known: sslmode, sslrootcert, connect_timeout, query_timeout, pool_min, pool_max, application_name)")
        }
    }
}
