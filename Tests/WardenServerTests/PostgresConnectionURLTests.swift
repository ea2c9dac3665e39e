import PostgresNIO
import Testing
import WardenPostgres
import WardenServer

/// Reading `--database postgres://…`: libpq's meaning where libpq has one, clear refusals for
/// anything malformed or unknown.
@Suite struct PostgresConnectionURLTests {
    @Test func defaultsAreLibpqsAndWardensOwn() throws {
        let parsed = try PostgresConnectionURL("postgres://warden:p%40ss%2Fw0rd@db.internal:6432/auth")
        #expect(parsed.configuration.host == "db.internal")
        #expect(parsed.configuration.port == 6432)
        #expect(parsed.configuration.username == "warden")
        #expect(parsed.configuration.password == "p@ss/w0rd")
        #expect(parsed.configuration.database == "auth")
        #expect(parsed.configuration.options.maximumConnections == 20)
        #expect(parsed.configuration.options.connectTimeout == .seconds(10))
        #expect(parsed.queryTimeout == .seconds(5))
        #expect(try PostgresConnectionURL("postgresql://u@localhost").configuration.port == 5432)
    }

    /// Issue 11, item 8: libpq's `prefer` never checks a certificate; a remote database gets
    /// `verify-full` unless the URL says otherwise.
    @Test func aRemoteDatabaseIsVerifiedByDefaultAndLoopbackIsNot() throws {
        #expect(try PostgresConnectionURL("postgres://u@db.internal/d").sslMode == "verify-full")
        #expect(try PostgresConnectionURL("postgres://u@10.0.0.5/d").sslMode == "verify-full")
        #expect(try PostgresConnectionURL("postgres://u@localhost/d").sslMode == "prefer")
        #expect(try PostgresConnectionURL("postgres://u@127.0.0.1:5433/d").sslMode == "prefer")
        #expect(try PostgresConnectionURL("postgres://u@[::1]:5433/d").sslMode == "prefer")
        #expect(try PostgresConnectionURL("postgres://u@db.internal/d?sslmode=require").sslMode == "require")
        #expect(try PostgresConnectionURL("postgres://u@127.0.0.1.evil.example/d").sslMode == "verify-full")
    }

    @Test func optionsAreRead() throws {
        let parsed = try PostgresConnectionURL("postgres://u@h/d?sslmode=disable&pool_min=2&pool_max=40&connect_timeout=2.5&query_timeout=0.5&application_name=node-7")
        #expect(parsed.configuration.options.minimumConnections == 2)
        #expect(parsed.configuration.options.maximumConnections == 40)
        #expect(parsed.configuration.options.connectTimeout == .milliseconds(2500))
        #expect(parsed.queryTimeout == .milliseconds(500))
        #expect(parsed.configuration.options.additionalStartupParameters.first?.1 == "node-7")
        for mode in ["disable", "prefer", "require", "verify-ca", "verify-full"] {
            #expect(throws: Never.self) { try PostgresConnectionURL("postgres://u@h/d?sslmode=\(mode)") }
        }
    }

    @Test(arguments: [
        "mysql://u@h/d", "postgres://h/d", "postgres:///d", "not a url", "",
        "postgres://u@h/d?sslmode=allow-ish", "postgres://u@h/d?pool_max=0", "postgres://u@h/d?pool_min=5&pool_max=2",
        "postgres://u@h/d?pool_max=-1", "postgres://u@h/d?connect_timeout=0", "postgres://u@h/d?query_timeout=abc",
        "postgres://u@h/d?query_timeout=99999", "postgres://u@h/d?sslmod=require", "postgres://u@h/d?pool_max=5&pool_max=6",
    ])
    func malformedURLsAreRefusedClearly(_ url: String) {
        #expect(throws: StoreError.self) { try PostgresConnectionURL(url) }
    }
}
