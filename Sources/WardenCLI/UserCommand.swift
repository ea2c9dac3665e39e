import ArgumentParser
import Foundation
import WardenCore
import WardenServer

struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user",
        abstract: "Manage users (resource owners).",
        subcommands: [Create.self, Update.self, EndSessions.self, List.self, Delete.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a user; the password is stored as a bcrypt hash.")
        @Argument(help: "The user name.") var name: String
        @Option(help: "The password (prefer --password-stdin or WARDEN_USER_PASSWORD).") var password: String?
        @Flag(help: "Read the password from the first line of standard input.") var passwordStdin = false
        @Option(name: .customLong("scope"), help: ArgumentHelp("A scope the user may grant (repeat).", valueName: "scope")) var scopes: [String] = []
        @Flag(help: "Create the user disabled (no tokens).") var disabled = false
        @Option(help: .hidden) var bcryptCost: UInt8 = 12
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions

        func validate() throws {
            guard !name.isEmpty, name.utf8.count <= 256, !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control || $0.properties.generalCategory == .format || $0 == "\u{2028}" || $0 == "\u{2029}" }) else {
                throw ValidationError("a user name is 1–256 characters on one line, without control or formatting characters")
            }
            guard (4...31).contains(bcryptCost) else { throw ValidationError("bcrypt cost is 4…31") }
        }

        func run() async throws {
            guard let password = try SecretInput.read(option: password, fromStandardInput: passwordStdin, environment: "WARDEN_USER_PASSWORD", what: "password") else {
                throw ValidationError("give a password: --password-stdin, WARDEN_USER_PASSWORD or --password")
            }
            // NIST SP 800-63B §5.1.1.2: at least 8 characters; bcrypt reads 72 bytes, no more.
            guard password.count >= 8, password.utf8.count <= 72 else {
                throw ValidationError("a password is at least 8 characters and at most 72 bytes (bcrypt reads no further)")
            }
            var scopeSet = ScopeSet()
            for scope in scopes {
                guard let parsed = try? Scope(validating: scope) else { throw ValidationError("'\(scope)' is not a valid scope token") }
                scopeSet.insert(parsed)
            }
            let hash = try await PasswordHashing(cost: bcryptCost).hash(password)
            let user = UserRecord(name: name, passwordHash: hash, scopes: scopeSet, disabled: disabled)
            try await store.withStore { db in
                let known = Set(try await db.scopes().map(\.scope))
                let unknown = scopeSet.filter { !known.contains($0) }
                guard unknown.isEmpty else {
                    throw CommandFailure.refused("unknown scopes: \(unknown.map(\.rawValue).joined(separator: " ")); create them with `warden scope create`")
                }
                do { try await db.createUser(user) } catch let error as StoreError where error.code == .conflict {
                    throw CommandFailure.refused("the user \(name) exists already")
                }
            }
            output.print(UserCommand.json(user), text: "created user \(name)\(disabled ? " (disabled)" : "")")
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change a user: scopes, disabled or enabled, password.",
            discussion: "Taking a scope away, disabling the user or a new password ends all their sessions at once: their refresh tokens are revoked "
                + "and their live access tokens put on the revocation feed, which running services follow (within about a second). "
                + "They sign in again and get what they may have now."
        )
        @Argument(help: "The user name.") var name: String
        @Option(name: .customLong("scope"), help: ArgumentHelp("The scopes the user may grant, replacing the stored ones (repeat).", valueName: "scope")) var scopes: [String] = []
        @Flag(help: "The user may grant no scope at all.") var noScopes = false
        @Flag(help: "Disable the user (no sign-in, no refresh; live tokens revoked).") var disabled = false
        @Flag(help: "Enable a disabled user.") var enabled = false
        @Flag(help: "A new password, from the first line of standard input.") var passwordStdin = false
        @Option(help: .hidden) var bcryptCost: UInt8 = 12
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions

        func validate() throws {
            guard !scopes.isEmpty || noScopes || disabled || enabled || passwordStdin else { throw ValidationError("nothing to change: give at least one option (see --help)") }
            if noScopes, !scopes.isEmpty { throw ValidationError("--no-scopes and --scope contradict each other") }
            if disabled, enabled { throw ValidationError("--disabled and --enabled contradict each other") }
            guard (4...31).contains(bcryptCost) else { throw ValidationError("bcrypt cost is 4…31") }
        }

        func run() async throws {
            var scopeSet: ScopeSet?
            if !scopes.isEmpty || noScopes {
                var parsed = ScopeSet()
                for scope in scopes {
                    guard let valid = try? Scope(validating: scope) else { throw ValidationError("'\(scope)' is not a valid scope token") }
                    parsed.insert(valid)
                }
                scopeSet = parsed
            }
            var passwordHash: String?
            if passwordStdin {
                guard let password = try SecretInput.read(option: nil, fromStandardInput: true, environment: "", what: "password") else {
                    throw ValidationError("no password on standard input")
                }
                guard password.count >= 8, password.utf8.count <= 72 else {
                    throw ValidationError("a password is at least 8 characters and at most 72 bytes (bcrypt reads no further)")
                }
                passwordHash = try await PasswordHashing(cost: bcryptCost).hash(password)
            }
            let (user, ended) = try await store.withStore(existing: true) { db -> (UserRecord, SubjectRevocation.Outcome?) in
                if let scopeSet { try await ClientCommand.requireKnown(scopeSet, in: db) }
                // Read, change, write only if unchanged meanwhile (compare-and-set); else again.
                for _ in 0..<5 {
                    guard let stored = try await db.user(named: name) else { throw CommandFailure.refused("no user \(name)") }
                    var user = stored
                    if let scopeSet { user.scopes = scopeSet }
                    if disabled { user.disabled = true }
                    if enabled { user.disabled = false }
                    if let passwordHash { user.passwordHash = passwordHash }
                    // Less than before, or a new password: every session ends now, not when its
                    // tokens expire — those begun before this instant, with the change itself.
                    let endsSessions = stored.endsSessions(whenChangedTo: user)
                    // The database's clock: every node compares it with its own (a review).
                    if endsSessions { user.sessionsNotBefore = try await db.currentTime() }
                    guard try await db.updateUser(user, replacing: stored) else { continue }
                    let ended = endsSessions ? try await UserCommand.endSessions(of: name, in: db, afterSaving: UserCommand.changes(from: stored, to: user, ended: nil)) : nil
                    try await db.appendAudit(AuditEvent(at: Date(), event: "user.updated", subject: name, scope: user.scopes.description, outcome: "success",
                                                        detail: UserCommand.changes(from: stored, to: user, ended: ended)))
                    return (user, ended)
                }
                throw CommandFailure.refused("user \(name) kept changing while this update ran; try again")
            }
            var json = UserCommand.json(user)
            if case .object(var members) = json, let ended {
                members["revoked_access_tokens"] = .number(Double(ended.accessTokens))
                members["revoked_refresh_token_families"] = .number(Double(ended.refreshFamilies))
                json = .object(members)
            }
            var text = "updated user \(name)"
            if let ended { text += "; sessions ended: \(ended.accessTokens) access tokens revoked, \(ended.refreshFamilies) refresh token families" }
            output.print(json, text: text)
        }
    }

    struct EndSessions: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "end-sessions",
            abstract: "End all sessions of a user now: refresh tokens revoked, live access tokens on the revocation feed.",
            discussion: "What `user update` does when it takes something away, on its own: after a suspected compromise, or to finish "
                + "an update whose session ending failed. Running it again is harmless."
        )
        @Argument(help: "The user name (a deleted user's too).") var name: String
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let ended = try await store.withStore(existing: true) { db -> SubjectRevocation.Outcome in
                // Sessions begun before now end: written first, so that sign-in pages, codes and
                // tokens in flight notice it (issue 14).
                let ended: SubjectRevocation.Outcome
                let existed: Bool
                do { (ended, existed) = try await SubjectRevocation.endSessions(of: name, in: db, at: try await db.currentTime()) } catch let error as StoreError where error.code == .conflict {
                    throw CommandFailure.refused("user \(name) kept changing while this ran; try again")
                }
                // A deleted user's leftovers may be ended too; a name never seen is a typo.
                guard existed || ended.accessTokens + ended.refreshFamilies > 0 else {
                    throw CommandFailure.refused("no user \(name), and no live session under that name")
                }
                try await db.appendAudit(AuditEvent(at: Date(), event: "user.sessions_ended", subject: name, outcome: "success",
                                                    detail: "warden user end-sessions: \(ended.accessTokens) access tokens revoked, \(ended.refreshFamilies) refresh token families"))
                return ended
            }
            output.print(.object(["name": .string(name), "revoked_access_tokens": .number(Double(ended.accessTokens)),
                                  "revoked_refresh_token_families": .number(Double(ended.refreshFamilies))]),
                         text: "sessions of \(name) ended: \(ended.accessTokens) access tokens revoked, \(ended.refreshFamilies) refresh token families")
        }
    }

    /// `SubjectRevocation.revokeAll`, with an error that says what to do when it fails after a
    /// change was saved (`afterSaving`: the change, for the audit row written then — the two
    /// are separate writes: a database error between them leaves the change in place and the
    /// sessions alive until `end-sessions` runs).
    static func endSessions(of name: String, in db: any AuthorizationStore, afterSaving change: String?) async throws -> SubjectRevocation.Outcome {
        do {
            return try await SubjectRevocation.revokeAll(of: name, in: db, at: Date())
        } catch {
            guard let change else { throw error }
            try? await db.appendAudit(AuditEvent(at: Date(), event: "user.updated", subject: name, outcome: "failure",
                                                 detail: change + "; ending the sessions failed: run warden user end-sessions"))
            throw CommandFailure(.unavailable, "the change to user \(name) is saved, but ending their sessions failed (\(error)); run `warden user end-sessions \(name)` to finish")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List users.")
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let users = try await store.withStore(existing: true) { try await $0.users() }
            output.print(.array(users.map(UserCommand.json)), text: users.map {
                "\($0.name)\t\($0.disabled ? "disabled" : "active")\tscopes: \($0.scopes)"
            }.joined(separator: "\n"))
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a user (their refresh tokens stop working at once).")
        @Argument var name: String
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let ended = try await store.withStore(existing: true) { db -> SubjectRevocation.Outcome? in
                guard try await db.deleteUser(named: name) else { return nil }
                // Their live access tokens too, not only the refresh tokens (which need the user).
                let ended: SubjectRevocation.Outcome
                do { ended = try await SubjectRevocation.revokeAll(of: name, in: db, at: Date()) } catch {
                    throw CommandFailure(.unavailable, "user \(name) is deleted, but revoking their live access tokens failed (\(error)); run `warden user end-sessions \(name)` to finish")
                }
                try await db.appendAudit(AuditEvent(at: Date(), event: "user.deleted", subject: name, outcome: "success",
                                                    detail: "warden user delete: \(ended.accessTokens) access tokens revoked, \(ended.refreshFamilies) refresh token families"))
                return ended
            }
            guard let ended else { throw CommandFailure.refused("no user \(name)") }
            output.print(.object(["deleted": .string(name), "revoked_access_tokens": .number(Double(ended.accessTokens))]),
                         text: "deleted user \(name); \(ended.accessTokens) access tokens revoked")
        }
    }

    /// What changed, for the audit log (a password only as "password changed").
    static func changes(from old: UserRecord, to new: UserRecord, ended: SubjectRevocation.Outcome?) -> String {
        var changed: [String] = []
        if old.scopes != new.scopes { changed.append("scopes: \(new.scopes)") }
        if old.disabled != new.disabled { changed.append(new.disabled ? "disabled" : "enabled") }
        if old.passwordHash != new.passwordHash { changed.append("password changed") }
        if let ended { changed.append("sessions ended: \(ended.accessTokens) access tokens revoked, \(ended.refreshFamilies) refresh token families") }
        return "warden user update: " + (changed.isEmpty ? "nothing changed" : changed.joined(separator: "; "))
    }

    static func json(_ user: UserRecord) -> JSONValue {
        .object(["name": .string(user.name), "disabled": .bool(user.disabled), "scopes": .array(user.scopes.map { .string($0.rawValue) })])
    }
}
