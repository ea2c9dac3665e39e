import Foundation
import Testing
import WardenCLI

/// What a person sees when a `warden` command fails, from the real executable: one line on
/// standard error that names the cause and the fix, no usage text after a failure while
/// running (usage only for usage mistakes), the documented exit code, never a password.
@Suite struct CommandLineErrorTests {
    struct Outcome {
        let status: Int32?
        let output: String
        let errors: String
        var errorLines: [Substring] { errors.split(separator: "\n") }
    }

    static func warden(_ arguments: [String], environment: [String: String] = [:], input: String? = nil, within seconds: Double = 60) async throws -> Outcome {
        let name = FileManager.default.temporaryDirectory.appendingPathComponent("warden-cli-\(UUID().uuidString)").path
        defer {
            try? FileManager.default.removeItem(atPath: name + ".out")
            try? FileManager.default.removeItem(atPath: name + ".err")
        }
        let child = try ChildProcess(WardenProcess.binary, arguments, environment: environment, input: input, output: name + ".out", errors: name + ".err")
        let status = try await child.wait(within: seconds)
        if status == nil { child.signal(SIGKILL) }
        return Outcome(
            status: status,
            output: (try? String(contentsOfFile: name + ".out", encoding: .utf8)) ?? "",
            errors: (try? String(contentsOfFile: name + ".err", encoding: .utf8)) ?? ""
        )
    }

    static func temporaryDirectory() throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("warden-cli-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return directory
    }

    @Test func aFailureWhileRunningIsOneLineWithItsExitCodeAndNoUsage() async throws {
        let directory = try Self.temporaryDirectory()
        let common = ["--database", directory + "/w.sqlite"]
        #expect(try await Self.warden(["scope", "create", "me", "--description", "Me"] + common).status == 0)

        let again = try await Self.warden(["scope", "create", "me", "--description", "Me"] + common)
        #expect(again.status == CommandFailure.Kind.refused.rawValue)
        #expect(again.errors == "Error: the scope me exists already\n")
        #expect(again.output.isEmpty)

        let missing = try await Self.warden(["client", "delete", "nobody"] + common)
        #expect(missing.status == 1 && missing.errors == "Error: no client nobody\n", "\(missing)")

        // A usage mistake found while running: the message and where help is, exit 64.
        let usage = try await Self.warden(["audit", "--limit", "0"] + common)
        #expect(usage.status == 64)
        #expect(usage.errorLines == ["Error: --limit must be 1…100000", "See 'warden audit --help'."], "\(usage)")

        // Found while parsing: swift-argument-parser's answer with the subcommand's usage.
        let parsing = try await Self.warden(["scope", "create"] + common)
        #expect(parsing.status == 64)
        #expect(parsing.errors.contains("Usage: warden scope create <name>"), "\(parsing)")
    }

    @Test func aDatabaseInADirectoryThatDoesNotExistNamesTheDirectory() async throws {
        let directory = try Self.temporaryDirectory() + "/not-there"
        let outcome = try await Self.warden(["scope", "create", "me", "--description", "Me", "--database", directory + "/x.sqlite"])
        #expect(outcome.status == CommandFailure.Kind.unavailable.rawValue)
        #expect(outcome.errorLines.count == 1)
        #expect(outcome.errors.contains("the directory \(directory) does not exist"), "\(outcome)")
        #expect(!FileManager.default.fileExists(atPath: directory))
    }

    /// A command that reads or changes what a server uses never answers from a new empty file
    /// made by a typo in `--database`; the commands that set a server up may create it.
    @Test func listingADatabaseThatIsNotThereSaysSoAndCreatesNothing() async throws {
        let directory = try Self.temporaryDirectory()
        let typo = directory + "/wardne.sqlite"
        for command in [["scope", "list"], ["client", "list"], ["user", "list"], ["keys", "list"], ["audit"], ["token", "revoke", "abc"], ["keys", "rotate"], ["scope", "delete", "me"]] {
            let outcome = try await Self.warden(command + ["--database", typo])
            #expect(outcome.status == CommandFailure.Kind.unavailable.rawValue, "\(command): \(outcome)")
            #expect(outcome.errors.contains("there is no database at \(typo)"), "\(command): \(outcome)")
            #expect(!FileManager.default.fileExists(atPath: typo), "\(command)")
        }
        #expect(try await Self.warden(["scope", "create", "me", "--description", "Me", "--database", typo]).status == 0)
        #expect(try await Self.warden(["scope", "list", "--database", typo]).output == "me\tMe\n")
    }

    /// Help is not an error (a build once printed swift-argument-parser's help request as one).
    @Test func helpIsPrintedAndExitsZero() async throws {
        for command in [["--help"], ["scope", "--help"], ["token", "revoke", "--help"], ["serve", "--help"], []] {
            let outcome = try await Self.warden(command)
            #expect(outcome.status == 0, "\(command): \(outcome)")
            #expect(outcome.output.contains("USAGE: warden"), "\(command): \(outcome)")
            #expect(outcome.errors.isEmpty, "\(command): \(outcome)")
        }
    }

    /// A file that is not a SQLite database is said to be one, never a crash (SQLiteNIO asserts
    /// on a connection dropped open).
    @Test func aFileThatIsNotADatabaseIsSaidSo() async throws {
        let file = try Self.temporaryDirectory() + "/notes.txt"
        try Data(String(repeating: "not a database\n", count: 100).utf8).write(to: URL(fileURLWithPath: file))
        let outcome = try await Self.warden(["scope", "list", "--database", file])
        #expect(outcome.status == CommandFailure.Kind.unavailable.rawValue, "\(outcome)")
        #expect(outcome.errors.contains("\(file) is not a SQLite database"), "\(outcome)")
    }

    @Test func aMisspeltDatabaseURLOptionIsAConfigurationError() async throws {
        let outcome = try await Self.warden(["scope", "list", "--database", "postgres://warden:s3cret-pass@127.0.0.1:1/warden?sslmod=disable"])
        #expect(outcome.status == CommandFailure.Kind.configuration.rawValue)
        #expect(outcome.errors.hasPrefix("Error: invalid database URL: unknown parameter sslmod"), "\(outcome)")
        #expect(!outcome.errors.contains("s3cret-pass"))
    }

    /// `warden token revoke` takes any jti, one beginning with "-" too (a third of the base64url
    /// jtis older versions minted); new jtis are hex and never begin with "-".
    @Test func tokenRevokeTakesAJTIBeginningWithADash() async throws {
        let directory = try Self.temporaryDirectory()
        #expect(try await Self.warden(["scope", "create", "me", "--description", "Me", "--database", directory + "/w.sqlite"]).status == 0)
        for jti in ["-Xy3_abcDEF", "--Xy3_abcDEFghij012345", "-h2"] {
            let outcome = try await Self.warden(["token", "revoke", jti, "--database", directory + "/w.sqlite", "--json"])
            #expect(outcome.status == 0, "\(jti): \(outcome)")
            #expect(outcome.output.contains(#""jti":"\#(jti)""#), "\(outcome)")
        }
        let twoWords = try await Self.warden(["token", "revoke", "a", "b", "--database", directory + "/w.sqlite"])
        #expect(twoWords.status == 64)
        // A mistyped option is not revoked as a jti.
        let typo = try await Self.warden(["token", "revoke", "abc", "--jsno", "--database", directory + "/w.sqlite"])
        #expect(typo.status == 64)
        let typoAlone = try await Self.warden(["token", "revoke", "--jsno", "--database", directory + "/w.sqlite"])
        #expect(typoAlone.status == 64 && typoAlone.errors.contains("--jsno is not an option"), "\(typoAlone)")
    }

    /// Where `warden` runs its tasks (issue 16, `WARDEN_EXECUTOR`): each of the three serves —
    /// a GET, a form POST read and refused, a graceful stop — and anything else is a usage
    /// mistake said in one line, before anything starts.
    @Test func everyExecutorServesAndAnUnknownOneIsRefused() async throws {
        let unknown = try await Self.warden(["--help"], environment: ["WARDEN_EXECUTOR": "fast"])
        #expect(unknown.status == 64)
        #expect(unknown.errors == "warden: WARDEN_EXECUTOR is one of generic, nio, swift, not 'fast'\n", "\(unknown)")
        #expect(unknown.output.isEmpty)
        for kind in ["generic", "nio", "swift"] {
            try await Self.servesAndStops(environment: ["WARDEN_EXECUTOR": kind])
        }
    }

    /// `warden serve` with `environment` answers a GET, reads and refuses a form POST, and stops
    /// gracefully.
    static func servesAndStops(environment: [String: String]) async throws {
        let directory = try temporaryDirectory()
        let node = try await WardenProcess.start(database: directory + "/w.sqlite", issuer: "http://127.0.0.1", masterKey: masterKey(), environment: environment)
        let keys = try await node.get("/oauth2/jwks")
        #expect(keys.status == 200, "\(environment): \(keys)")
        let refused = try await node.post("/oauth2/token", [("grant_type", "client_credentials")], basic: ("nobody", "wrong"))
        #expect(refused.status == 401 && refused.error == "invalid_client", "\(environment): \(refused)")
        #expect(await node.stop() == 0, "\(environment): \(node.log.suffix(2000))")
    }

    /// `WARDEN_FLUSH` (issue 16): `each` serves as `consolidated` (the default) does; anything
    /// else is one line and exit 78, before anything is created.
    @Test func everyFlushModeServesAndAnUnknownOneIsRefused() async throws {
        let directory = try Self.temporaryDirectory()
        let unknown = try await Self.warden(["serve", "--port", "0", "--database", directory + "/x.sqlite"], environment: ["WARDEN_MASTER_KEY": Self.masterKey(), "WARDEN_FLUSH": "sometimes"])
        #expect(unknown.status == CommandFailure.Kind.configuration.rawValue)
        #expect(unknown.errors.contains("WARDEN_FLUSH (warden.flush) is consolidated or each, not 'sometimes'"), "\(unknown)")
        #expect(!FileManager.default.fileExists(atPath: directory + "/x.sqlite"))
        for mode in ["consolidated", "each"] {
            try await Self.servesAndStops(environment: ["WARDEN_FLUSH": mode])
        }
    }

    @Test func serveOnATakenPortSaysSoAndNothingElse() async throws {
        let directory = try Self.temporaryDirectory()
        let first = try await WardenProcess.start(database: directory + "/a.sqlite", issuer: "http://127.0.0.1", masterKey: Self.masterKey())
        let outcome: Outcome
        do {
            outcome = try await Self.warden(["serve", "--port", "\(first.port)", "--database", directory + "/b.sqlite", "--log-level", "info"], environment: ["WARDEN_MASTER_KEY": Self.masterKey()])
        } catch {
            await first.stop()
            throw error
        }
        #expect(outcome.status == CommandFailure.Kind.unavailable.rawValue)
        #expect(outcome.errors.contains("Error: cannot listen on 127.0.0.1:\(first.port): the address is in use"), "\(outcome)")
        #expect(!outcome.errors.contains("cleanup failed"), "\(outcome)")
        // Said before anything is created for a server that cannot start.
        #expect(!FileManager.default.fileExists(atPath: directory + "/b.sqlite"))
        #expect(!outcome.output.contains("First start"), "\(outcome)")
        await first.stop()
    }

    /// The first-start hints can be pasted: the database as given (quoted for the shell), and a
    /// URL holding a password never printed nor put in the commands' arguments (they read
    /// `WARDEN_DATABASE`, which the hints say to set).
    @Test func firstStartHintsCanBePasted() async throws {
        let directory = try Self.temporaryDirectory() + "/it's a dir"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let database = directory + "/w.sqlite"
        let outcome = try await Self.startAndStop(["serve", "--port", "0", "--database", database])
        // Pasted into a shell as printed, a hint works (bash reads the quoting).
        let hint = try #require(outcome.output.split(separator: "\n").first { $0.contains("warden scope create") })
        let command = hint.drop { $0 == " " }.dropFirst("warden".count)
        try await Shell.run("/bin/bash", ["-c", "'\(WardenProcess.binary)'" + command])
        #expect(try await Self.warden(["scope", "list", "--database", database]).output == "orders.read\tRead orders\n")

        guard let url = ProcessInfo.processInfo.environment["WARDEN_POSTGRES_URL"], !url.isEmpty else { return }
        try await PostgresTestDatabase.with(url: url) { database in
            var components = try #require(URLComponents(string: database))
            components.password = "s3cret-pass"  // trust authentication on the test server: ignored
            let withPassword = try #require(components.string)
            let outcome = try await Self.startAndStop(["serve", "--port", "0", "--database", withPassword], environment: ["WARDEN_MASTER_KEY": Self.masterKey()])
            #expect(outcome.output.contains("export WARDEN_DATABASE="), "\(outcome)")
            #expect(!outcome.output.contains("--database"), "\(outcome)")
            #expect(!outcome.output.contains("s3cret-pass") && !outcome.errors.contains("s3cret-pass"))
            #expect(!outcome.output.contains("***"))
        }
    }

    // MARK: PostgreSQL connection failures, said at once with their cause

    static func postgresURL() -> URLComponents? {
        guard let url = ProcessInfo.processInfo.environment["WARDEN_POSTGRES_URL"], !url.isEmpty else { return nil }
        return URLComponents(string: url)
    }

    @Test(.enabled(if: postgresURL() != nil, "needs WARDEN_POSTGRES_URL (CI always sets it)"))
    func postgresFailuresNameTheCauseAndTheFix() async throws {
        let base = try #require(Self.postgresURL())
        var cases: [(URLComponents, String)] = []
        // The test server offers no TLS.
        var tls = base
        tls.queryItems = [URLQueryItem(name: "sslmode", value: "verify-full")]
        cases.append((tls, "does not offer TLS, and sslmode=verify-full requires it: use sslmode=disable"))
        var noDatabase = base
        noDatabase.path = "/warden_no_such_database"
        cases.append((noDatabase, "the database warden_no_such_database does not exist"))
        var refused = base
        refused.port = 1
        cases.append((refused, "nothing accepts connections at \(base.host ?? ""):1 (connection refused)"))
        for (components, expected) in cases {
            var components = components
            components.password = "s3cret-pass"
            // A query timeout far longer than a slow machine takes to start the process: an
            // answer before it is an answer at once, not after waiting for it.
            components.queryItems = (components.queryItems ?? []) + [URLQueryItem(name: "query_timeout", value: "30")]
            let started = Date()
            let outcome = try await Self.warden(["scope", "list", "--database", try #require(components.string)])
            #expect(outcome.status == CommandFailure.Kind.unavailable.rawValue)
            #expect(outcome.errors.contains(expected), "\(outcome)")
            #expect(outcome.errorLines.count == 1, "\(outcome)")
            #expect(!outcome.errors.contains("s3cret-pass"))
            // At once: not after the pool's retries and the 30 s query timeout.
            #expect(Date().timeIntervalSince(started) < 20, "\(expected)")
        }
    }

    // MARK: Helpers

    static func masterKey() -> String {
        Data((0..<32).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()
    }

    /// Starts `warden serve`, waits for its "serving" line, stops it with SIGTERM.
    static func startAndStop(_ arguments: [String], environment: [String: String] = [:]) async throws -> Outcome {
        let name = FileManager.default.temporaryDirectory.appendingPathComponent("warden-serve-\(UUID().uuidString)").path
        defer {
            try? FileManager.default.removeItem(atPath: name + ".out")
            try? FileManager.default.removeItem(atPath: name + ".err")
        }
        let child = try ChildProcess(WardenProcess.binary, arguments, environment: environment, output: name + ".out", errors: name + ".err")
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, child.isRunning {
            if ((try? String(contentsOfFile: name + ".out", encoding: .utf8)) ?? "").contains("warden serving") { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        child.signal(SIGTERM)
        let status = try await child.wait(within: 30)
        if status == nil { child.signal(SIGKILL) }
        return Outcome(
            status: status,
            output: (try? String(contentsOfFile: name + ".out", encoding: .utf8)) ?? "",
            errors: (try? String(contentsOfFile: name + ".err", encoding: .utf8)) ?? ""
        )
    }
}
