import Foundation
import Testing
@testable import WardenCLI
import WardenCore
import WardenServer
import WardenSQLite
import WardenTesting

/// Detection and alerts on the authorization server (issue 14), against a running server and
/// read back with `warden alerts`: credential guessing per account and address, refresh-token
/// reuse — deduplicated while they last, counted in `/metrics`, audited, and no alert when the
/// owner of an ended session presents its revoked refresh token.
@Suite struct AlertTests {
    @Test func guessingAndReuseRaiseOneAlertEachWhileTheyLast() async throws {
        let db = try CommandLineDatabase()
        let common = db.common
        let configure: (inout AuthorizationServerConfiguration) -> Void = {
            $0.recordCacheLifetime = .zero
            $0.detection = [.credentialGuessing: DetectionThreshold(count: 3, window: .seconds(60))]
        }
        try await db.serve(configure: configure) { server in
            try await CommandLineTests.run(["scope", "create", "a.read", "--description", "A"] + common)
            try await CommandLineTests.run(["scope", "create", "a.write", "--description", "A, written"] + common)
            try await CommandLineTests.run(["client", "create", "app", "--public", "--grant", "password", "--grant", "refresh_token", "--scope", "a.read", "--scope", "a.write", "--audience", "api"] + common)
            try await CommandLineTests.run(["user", "create", "alice", "--password", "wonderland-1", "--scope", "a.read", "--bcrypt-cost", "4"] + common)
            func login(_ password: String) async throws -> Reply {
                try await server.post("/oauth2/token", [("grant_type", "password"), ("client_id", "app"), ("username", "alice"), ("password", password), ("scope", "a.read")])
            }
            func refresh(_ token: String) async throws -> Reply {
                try await server.post("/oauth2/token", [("grant_type", "refresh_token"), ("client_id", "app"), ("refresh_token", token)])
            }
            func alerts() async throws -> [[String: Any]] {
                let outcome = try await CommandLineErrorTests.warden(["alerts", "--json"] + common)
                #expect(outcome.status == 0, "\(outcome.errors)")
                return (try? JSONSerialization.jsonObject(with: Data(outcome.output.utf8)) as? [[String: Any]]) ?? []
            }

            // Two failures: below the threshold.
            for _ in 0..<2 { #expect(try await login("wrong-password").error == "invalid_grant") }
            #expect(try await alerts().isEmpty)
            // The third: one alert for the account, one for the address.
            #expect(try await login("wrong-password").error == "invalid_grant")
            var raised = try await alerts()
            let account = try #require(raised.first { $0["subject"] as? String == "alice" })
            #expect(account["kind"] as? String == "credential_guessing")
            #expect(account["severity"] as? String == "medium")
            #expect(account["count"] as? Int == 3)
            #expect(account["window_seconds"] as? Int == 60)
            #expect(account["summary"] as? String == "3 failed sign-ins for user alice within 1 minute")
            #expect((account["first_seen"] as? String)?.hasSuffix("Z") == true)
            #expect(raised.contains { ($0["summary"] as? String)?.contains("failed authentications from 127.0.0.1") == true })
            #expect(raised.count == 2)
            // A fourth: the same alert grows.
            #expect(try await login("wrong-password").error == "invalid_grant")
            raised = try await alerts()
            #expect(raised.count == 2)
            #expect(raised.first { $0["subject"] as? String == "alice" }?["count"] as? Int == 4)
            #expect(raised.first { $0["subject"] as? String == "alice" }?["id"] as? String == account["id"] as? String)

            // A rotated refresh token presented again: a high alert, at once.
            let first = try #require(try await login("wonderland-1").refreshToken)
            let second = try await refresh(first)
            #expect(second.status == 200)
            // Its successor used (so no lost-answer retry), then the first presented again.
            #expect(try await refresh(try #require(second.refreshToken)).status == 200)
            #expect(try await refresh(first).error == "invalid_grant")
            let reuse = try #require(try await alerts().first { $0["kind"] as? String == "refresh_token_reuse" })
            #expect(reuse["severity"] as? String == "high")
            #expect(reuse["client_id"] as? String == "app")
            #expect((reuse["summary"] as? String)?.contains("presented again") == true)

            // After `end-sessions`, the owner's next refresh is refused — and is no reuse.
            let third = try #require(try await login("wonderland-1").refreshToken)
            try await CommandLineTests.run(["user", "end-sessions", "alice"] + common)
            #expect(try await refresh(third).error == "invalid_grant")
            #expect(try await alerts().filter { $0["kind"] as? String == "refresh_token_reuse" }.count == 1)

            // Counted, audited; the text form escapes what came from requests.
            let metrics = String(decoding: try await server.get("/metrics").body, as: UTF8.self)
            #expect(metrics.contains(#"warden_alerts_total{kind="credential_guessing",severity="medium"} 2"#))
            #expect(metrics.contains(#"warden_alerts_total{kind="refresh_token_reuse",severity="high"} 1"#))
            #expect(try await server.store.auditEvents(limit: 200).filter { $0.event == "alert.raised" }.count == 3)
            let text = try await CommandLineErrorTests.warden(["alerts"] + common)
            #expect(text.output.contains("credential_guessing") && text.output.contains("refresh_token_reuse"))

            // The permission audit: app may have a.read and a.write, its tokens carried a.read only.
            let audit = try await CommandLineErrorTests.warden(["audit", "permissions", "--since", "1h", "--json"] + common)
            #expect(audit.status == 0, "\(audit.errors)")
            let report = try #require((try? JSONSerialization.jsonObject(with: Data(audit.output.utf8))) as? [String: Any])
            let app = try #require((report["clients"] as? [[String: Any]])?.first { $0["client_id"] as? String == "app" })
            #expect(app["allowed_scopes"] as? [String] == ["a.read", "a.write"])
            #expect(app["used_scopes"] as? [String] == ["a.read"])
            #expect(app["unused_scopes"] as? [String] == ["a.write"])
            #expect(report["partial"] as? Bool == false)
            #expect(try await CommandLineErrorTests.warden(["audit", "permissions", "--since", "soon"] + common).status == 64)
            // `warden audit` alone is still the log.
            #expect(try await CommandLineErrorTests.warden(["audit", "--limit", "3"] + common).output.split(separator: "\n").count == 3)
        }
    }

    /// `new_scope_use`: a client's first token with a scope its tokens never carried raises one
    /// alert — after its learning period (7 days by default, from its first token), never during
    /// it, and never again for the same scope.
    @Test func aScopeAClientNeverUsedRaisesAnAlertAfterItsLearningPeriod() async throws {
        let db = try CommandLineDatabase()
        let common = db.common
        let clock = ManualTimeSource()
        try await db.serve(timeSource: clock.timeSource, configure: { $0.recordCacheLifetime = .zero }) { server in
            for scope in ["a.read", "a.write", "a.admin"] {
                try await CommandLineTests.run(["scope", "create", scope, "--description", scope] + common)
            }
            try await CommandLineTests.run(["client", "create", "robot", "--secret", "robot-secret-0123456789", "--grant", "client_credentials",
                                            "--scope", "a.read", "--scope", "a.write", "--scope", "a.admin", "--audience", "api"] + common)
            func token(_ scope: String) async throws -> Int {
                try await server.post("/oauth2/token", [("grant_type", "client_credentials"), ("scope", scope)], basic: ("robot", "robot-secret-0123456789")).status
            }
            func newScopeAlerts() async throws -> [AlertRecord] {
                try await server.store.alerts(limit: 50).filter { $0.kind == "new_scope_use" }
            }
            // Learning: a.read, then a.write six days on — both learnt, no alert.
            #expect(try await token("a.read") == 200)
            clock.advance(by: .seconds(6 * 86_400))
            #expect(try await token("a.write") == 200)
            #expect(try await newScopeAlerts().isEmpty)
            // Past the 7 days: what was learnt is quiet, a.admin is new.
            clock.advance(by: .seconds(2 * 86_400))
            #expect(try await token("a.read a.write") == 200)
            #expect(try await newScopeAlerts().isEmpty)
            #expect(try await token("a.admin a.read") == 200)
            let alerts = try await newScopeAlerts()
            #expect(alerts.count == 1)
            let alert = try #require(alerts.first)
            #expect(alert.clientID == "robot")
            #expect(alert.severity == "medium")
            #expect(alert.summary == "Client robot got a token with the scope a.admin for the first time (watched for 7 days before; its tokens never carried it)")
            // Once only.
            #expect(try await token("a.admin") == 200)
            #expect(try await newScopeAlerts().count == 1)
            let metrics = String(decoding: try await server.get("/metrics").body, as: UTF8.self)
            #expect(metrics.contains(#"warden_alerts_total{kind="new_scope_use",severity="medium"} 1"#))
        }
    }

    /// `warden serve --detect`: settings as an operator types them, and clear refusals.
    @Test func detectionSettingsAreReadAsTyped() throws {
        #expect(try DetectionSetting(parsing: "credential_guessing=20/10m") == DetectionSetting(kind: .credentialGuessing, threshold: DetectionThreshold(count: 20, window: .seconds(600))))
        #expect(try DetectionSetting(parsing: "new_scope_use=14d").threshold == DetectionThreshold(count: 1, window: .seconds(14 * 86_400)))
        #expect(try DetectionSetting(parsing: "new_scope_use=1/1h").threshold == DetectionThreshold(count: 1, window: .seconds(3600)))
        #expect(try DetectionSetting(parsing: "revoked_token_use=off").threshold == nil)
        #expect(try DetectionSetting(parsing: "revoked_token_use=3/12h").threshold == DetectionThreshold(count: 3, window: .seconds(12 * 3600)))
        #expect(try DetectionSetting(parsing: " invalid_token_burst = 100/60 ").threshold == DetectionThreshold(count: 100, window: .seconds(60)))
        for bad in ["", "credential_guessing", "guessing=1/1m", "credential_guessing=0/1m", "credential_guessing=ten/1m", "credential_guessing=5",
                    "credential_guessing=5/soon", "credential_guessing=5/0s", "new_scope_use=3/7d", "credential_guessing=1/2/3", "credential_guessing=-1/1m",
                    "credential_guessing=99999999999999999999/1m", "credential_guessing=5/13h", "credential_guessing=5/2d", "credential_guessing=5/1m\u{1B}[2J"] {
            #expect(throws: DetectionSettingError.self, "\(bad)") { try DetectionSetting(parsing: bad) }
        }
        let error = try #require(throws: DetectionSettingError.self) { try DetectionSetting(parsing: "guessing=1/1m") }
        #expect(error.description.contains("credential_guessing, refresh_token_reuse"))
        #expect(!(try #require(throws: DetectionSettingError.self) { try DetectionSetting(parsing: "x\u{1B}[2J=1/1m") }).description.contains("\u{1B}"))
    }

    /// `warden alerts` shows a summary as made (its names escaped once, when it was made), and
    /// escapes it only if something unprintable got into the database.
    @Test func aSummaryIsEscapedOnce() {
        var alert = AlertRecord(kind: "credential_guessing", key: "user:x", severity: "medium", summary: "3 failed sign-ins for user \(PrintableText.escaped("eve\u{1B}[2J")) within 1 minute",
                                subject: "eve\u{1B}[2J", clientID: nil, service: nil, count: 3, windowSeconds: 60, firstSeen: Date(), lastSeen: Date())
        var line = AlertsCommand.line(alert)
        #expect(line.contains("user eve\\u{1B}[2J within"))
        #expect(!line.contains("\\u{5C}") && !line.contains("\u{1B}"))
        alert.summary = "forged\u{1B}[2J\\u{41}"
        line = AlertsCommand.line(alert)
        #expect(line.contains("forged\\u{1B}[2J\\u{5C}u{41}") && !line.contains("\u{1B}"))
    }

    /// An alert lasts while its count does (two windows of the sliding estimate): a pause of
    /// just over one window neither blinds detection (a review: 10× the threshold for hours,
    /// no alert) nor makes one more occurrence a second alert; after a real lull a new burst
    /// opens a new one.
    @Test func anAlertLastsAsLongAsItsCount() async throws {
        let directory = try CommandLineErrorTests.temporaryDirectory()
        let store = try await SQLiteStore.open(path: directory + "/alerts.sqlite")
        let clock = ManualTimeSource()
        let center = AlertCenter(store: store, thresholds: [.credentialGuessing: DetectionThreshold(count: 3, window: .seconds(20))], timeSource: clock.timeSource)
        func guess(_ times: Int = 1) async {
            for _ in 0..<times {
                await center.signal(.credentialGuessing, key: "address:203.0.113.9", severity: "medium") { count, window in "\(count) within \(window)" }
            }
        }
        func alerts() async throws -> [AlertRecord] { try await store.alerts(limit: 10) }
        await guess(6)
        #expect(try await alerts().count == 1)
        // Just over a window later: one more grows the same alert.
        clock.advance(by: .seconds(21))
        await guess()
        #expect(try await alerts().count == 1)
        #expect(try await alerts().first?.count == 7)
        // Paced at 10 per 20 s for 70 s: the alert keeps growing, never blind, never doubled.
        for _ in 0..<35 {
            clock.advance(by: .seconds(2))
            await guess()
        }
        let paced = try await alerts()
        #expect(paced.count == 1 && paced.first?.count == 42, "\(paced)")
        // A lull of three windows, then a new burst: a new alert.
        clock.advance(by: .seconds(60))
        await guess(2)
        #expect(try await alerts().count == 1)
        await guess()
        #expect(try await alerts().count == 2)
        try await store.close()
    }
}
