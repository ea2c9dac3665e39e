import ArgumentParser
import Foundation
import WardenCore
import WardenServer

struct ClientCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "client",
        abstract: "Manage OAuth clients.",
        subcommands: [Create.self, List.self, Delete.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register a client. Confidential clients get a generated secret, printed once, unless you give one."
        )
        @Argument(help: "The client id.") var id: String
        @Option(help: "Use this secret instead of a generated one (prefer --secret-stdin or WARDEN_CLIENT_SECRET).") var secret: String?
        @Flag(help: "Read the secret from the first line of standard input.") var secretStdin = false
        @Flag(name: .customLong("public"), help: "A public client (no secret): apps that cannot keep one.") var isPublic = false
        @Option(name: .customLong("grant"), help: ArgumentHelp("A grant it may use (repeat): client_credentials, password, authorization_code, refresh_token, token-exchange.", valueName: "type"))
        var grants: [String] = []
        @Option(name: .customLong("scope"), help: ArgumentHelp("A scope it may have (repeat).", valueName: "scope")) var scopes: [String] = []
        @Option(name: .customLong("redirect-uri"), help: ArgumentHelp("An exact redirect URI (repeat).", valueName: "uri")) var redirectURIs: [String] = []
        @Option(name: .customLong("audience"), help: ArgumentHelp("An audience it may ask for (repeat); the first is its default.", valueName: "aud")) var audiences: [String] = []
        @Option(help: ArgumentHelp("Access-token lifetime in seconds (default: the server's).", valueName: "seconds")) var tokenLifetime: Int?
        @Flag(help: "Its token requests must carry a DPoP proof (RFC 9449): every token it gets is bound to its key.") var requireDpop = false
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions

        func validate() throws {
            guard !id.isEmpty, id.utf8.count <= 128, id.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F && $0 != ":" }) else {
                throw ValidationError("a client id is 1–128 visible ASCII characters without ':'")
            }
            guard !grants.isEmpty else { throw ValidationError("name at least one --grant") }
            // Every access token needs an `aud` (RFC 9068 §2.2).
            guard !audiences.isEmpty else { throw ValidationError("name at least one --audience (the first is the default aud of its tokens)") }
            if grants.contains("authorization_code"), redirectURIs.isEmpty {
                throw ValidationError("the authorization_code grant needs at least one --redirect-uri")
            }
            for grant in grants where GrantType(commandLineName: grant) == nil {
                throw ValidationError("unknown grant '\(grant)'")
            }
            for uri in redirectURIs {
                guard let url = URL(string: uri), let scheme = url.scheme?.lowercased(), url.host != nil, url.fragment == nil, !uri.contains("\n") else {
                    throw ValidationError("'\(uri)' is not an absolute redirect URI without a fragment (RFC 6749 §3.1.2)")
                }
                let loopback = ["127.0.0.1", "localhost", "[::1]", "::1"].contains(url.host ?? "")
                guard scheme == "https" || (scheme == "http" && loopback) else {
                    throw ValidationError("redirect URIs must be https (http only on loopback): \(uri)")
                }
            }
            for audience in audiences where audience.isEmpty || audience.contains("\n") {
                throw ValidationError("invalid audience '\(audience)'")
            }
            if let tokenLifetime, !(1...86_400).contains(tokenLifetime) { throw ValidationError("--token-lifetime must be 1…86400 seconds") }
            if isPublic, secret != nil || secretStdin { throw ValidationError("a public client has no secret") }
        }

        func run() async throws {
            let grantTypes = Set(grants.compactMap(GrantType.init(commandLineName:)))
            if isPublic, grantTypes.contains(.clientCredentials) || grantTypes.contains(.tokenExchange) {
                throw ValidationError("client_credentials and token-exchange need a confidential client")
            }
            var scopeSet = ScopeSet()
            for scope in scopes {
                guard let parsed = try? Scope(validating: scope) else { throw ValidationError("'\(scope)' is not a valid scope token") }
                scopeSet.insert(parsed)
            }
            var secretShown: String?
            var given: String?
            if !isPublic {
                given = try SecretInput.read(option: secret, fromStandardInput: secretStdin, environment: "WARDEN_CLIENT_SECRET", what: "client secret")
                if let given, given.utf8.count < 16 { throw ValidationError("a client secret must be at least 16 characters") }
                if given == nil { secretShown = OpaqueToken.generate() }
            }
            var record = ClientRecord(
                id: id,
                secretHash: nil,
                grants: grantTypes,
                scopes: scopeSet,
                redirectURIs: redirectURIs,
                audiences: audiences,
                accessTokenLifetime: tokenLifetime.map { .seconds($0) },
                requiresDPoP: requireDpop
            )
            try await store.withStore { db, settings in
                if let secret = given ?? secretShown {
                    record.secretHash = ClientSecretHasher(masterKey: try await store.masterKey(settings, checkedAgainst: db)).hash(secret)
                }
                let known = Set(try await db.scopes().map(\.scope))
                let unknown = scopeSet.filter { !known.contains($0) }
                guard unknown.isEmpty else {
                    throw CommandFailure.refused("unknown scopes: \(unknown.map(\.rawValue).joined(separator: " ")); create them with `warden scope create`")
                }
                do { try await db.createClient(record) } catch let error as StoreError where error.code == .conflict {
                    throw CommandFailure.refused("the client \(id) exists already")
                }
            }
            var json = ClientCommand.json(record)
            if case .object(var members) = json, let secretShown {
                members["client_secret"] = .string(secretShown)
                json = .object(members)
            }
            var text = "created \(record.isPublic ? "public" : "confidential") client \(id)"
            if let secretShown { text += "\nclient secret (shown once, store it now): \(secretShown)" }
            output.print(json, text: text)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List clients (never their secrets).")
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let clients = try await store.withStore(existing: true) { try await $0.clients() }
            output.print(.array(clients.map(ClientCommand.json)), text: clients.map { client in
                "\(client.id)\t\(client.isPublic ? "public" : "confidential")\tgrants: \(client.grants.sorted().map(\.rawValue).joined(separator: " "))\tscopes: \(client.scopes)\taudiences: \(client.audiences.joined(separator: " "))\(client.requiresDPoP ? "\tDPoP required" : "")"
            }.joined(separator: "\n"))
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a client (its live access tokens stay valid until they expire; revoke them with `warden token revoke`).")
        @Argument var id: String
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            guard try await store.withStore(existing: true, { try await $0.deleteClient(id: id) }) else { throw CommandFailure.refused("no client \(id)") }
            output.print(.object(["deleted": .string(id)]), text: "deleted client \(id)")
        }
    }

    static func json(_ client: ClientRecord) -> JSONValue {
        var members: [String: JSONValue] = [
            "client_id": .string(client.id),
            "public": .bool(client.isPublic),
            "grants": .array(client.grants.sorted().map { .string($0.rawValue) }),
            "scopes": .array(client.scopes.map { .string($0.rawValue) }),
            "redirect_uris": .array(client.redirectURIs.map(JSONValue.string)),
            "audiences": .array(client.audiences.map(JSONValue.string)),
        ]
        if let lifetime = client.accessTokenLifetime { members["token_lifetime"] = .number(lifetime.timeInterval) }
        // RFC 9449 §5.2's client metadata name.
        if client.requiresDPoP { members["dpop_bound_access_tokens"] = .bool(true) }
        return .object(members)
    }
}
