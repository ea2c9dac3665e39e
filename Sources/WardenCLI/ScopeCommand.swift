import ArgumentParser
import WardenCore
import WardenServer

struct ScopeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scope",
        abstract: "Manage the scopes the server knows.",
        subcommands: [Create.self, List.self, Delete.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a scope.")
        @Argument(help: "The scope token (RFC 6749 §3.3), e.g. order.read.") var name: String
        @Option(help: "What the scope allows, shown on consent pages.") var description: String
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let scope: Scope
            do { scope = try Scope(validating: name) } catch { throw ValidationError("'\(name)' is not a valid scope token (RFC 6749 §3.3)") }
            try await store.withStore { db in
                do {
                    try await db.createScope(ScopeRecord(scope: scope, description: description))
                } catch let error as StoreError where error.code == .conflict {
                    throw CommandFailure.refused("the scope \(name) exists already")
                }
            }
            output.print(.object(["scope": .string(scope.rawValue), "description": .string(description)]), text: "created scope \(scope)")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List scopes.")
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let scopes = try await store.withStore(existing: true) { try await $0.scopes() }
            output.print(
                .array(scopes.map { .object(["scope": .string($0.scope.rawValue), "description": .string($0.description)]) }),
                text: scopes.map { "\($0.scope)\t\($0.description)" }.joined(separator: "\n")
            )
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a scope (tokens already issued keep it until they expire).")
        @Argument var name: String
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            guard let scope = try? Scope(validating: name) else { throw ValidationError("'\(name)' is not a valid scope token") }
            let deleted = try await store.withStore(existing: true) { try await $0.deleteScope(scope) }
            guard deleted else { throw CommandFailure.refused("no scope \(name)") }
            output.print(.object(["deleted": .string(name)]), text: "deleted scope \(name)")
        }
    }
}
