import ArgumentParser
import Foundation
import WardenCore
import WardenServer

struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Signing keys: list and rotate.",
        subcommands: [Rotate.self, List.self]
    )

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a new signing key: published now, signing after the publish delay; the current key then retires and stays published until its last token has expired."
        )
        @Option(help: "ES256 (default), EdDSA or RS256.") var algorithm = "ES256"
        @Option(help: ArgumentHelp("Seconds between publishing and signing (default 300, the JWKS cache lifetime).", valueName: "seconds")) var publishDelay = 300
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            guard let algorithm = SignatureAlgorithm(jwsName: algorithm), SigningKeyMaterial.supported.contains(algorithm) else {
                throw ValidationError("--algorithm must be ES256, EdDSA or RS256")
            }
            guard publishDelay >= 0 else { throw ValidationError("--publish-delay cannot be negative") }
            let key = try await store.withStore(existing: true) { db, settings in
                let keys = KeyManager(configuration: KeyConfiguration(), store: db, masterKey: try await store.masterKey(settings, checkedAgainst: db))
                return try await keys.rotate(algorithm: algorithm, publishDelay: .seconds(publishDelay))
            }
            output.print(KeysCommand.json(key), text: "new key \(key.id) (\(key.algorithm)), signs from \(key.activatesAt)")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List signing keys and their states.")
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let keys = try await store.withStore(existing: true) { try await $0.signingKeys() }
            let now = Date()
            output.print(.array(keys.map(KeysCommand.json)), text: keys.map { key in
                "\(key.id)\t\(key.algorithm)\t\(KeysCommand.state(key, now: now))\tcreated \(key.createdAt)"
            }.joined(separator: "\n"))
        }
    }

    static func state(_ key: StoredSigningKey, now: Date) -> String {
        if !key.isPublished(at: now) { return "expired" }
        if key.maySign(at: now) { return "signing" }
        if key.activatesAt > now { return "published, signs from \(key.activatesAt)" }
        return "retired, published until \(key.publishedUntil.map { "\($0)" } ?? "?")"
    }

    static func json(_ key: StoredSigningKey) -> JSONValue {
        var members: [String: JSONValue] = [
            "kid": .string(key.id),
            "alg": .string(key.algorithm.jwsName),
            "created_at": .number(key.createdAt.timeIntervalSince1970.rounded(.down)),
            "activates_at": .number(key.activatesAt.timeIntervalSince1970.rounded(.down)),
            "state": .string(state(key, now: Date())),
        ]
        if let retired = key.retiredAt { members["retired_at"] = .number(retired.timeIntervalSince1970.rounded(.down)) }
        if let until = key.publishedUntil { members["published_until"] = .number(until.timeIntervalSince1970.rounded(.down)) }
        return .object(members)
    }
}
