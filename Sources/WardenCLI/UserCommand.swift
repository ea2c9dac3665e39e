import ArgumentParser
import Foundation
import WardenCore
import WardenServer

struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user",
        abstract: "Manage users (resource owners).",
        subcommands: [Create.self, List.self, Delete.self]
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
            guard try await store.withStore(existing: true, { try await $0.deleteUser(named: name) }) else { throw CommandFailure.refused("no user \(name)") }
            output.print(.object(["deleted": .string(name)]), text: "deleted user \(name)")
        }
    }

    static func json(_ user: UserRecord) -> JSONValue {
        .object(["name": .string(user.name), "disabled": .bool(user.disabled), "scopes": .array(user.scopes.map { .string($0.rawValue) })])
    }
}
