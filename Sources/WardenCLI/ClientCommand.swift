import ArgumentParser
import Foundation
import WardenCore
import WardenServer

struct ClientCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "client",
        abstract: "Manage OAuth clients.",
        subcommands: [Create.self, Update.self, List.self, Delete.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register a client. Confidential clients get a generated secret, printed once, unless you give one."
        )
        @Argument(help: "The client id.") var id: String
        @Option(help: "Use this secret instead of a generated one (prefer --secret-stdin or WARDEN_CLIENT_SECRET).") var secret: String?
        @Flag(help: "Read the secret from the first line of standard input.") var secretStdin = false
        @Flag(name: .customLong("public"), help: "A public client (no secret): apps that cannot keep one.") var isPublic = false
        @Option(name: .customLong("grant"), help: ArgumentHelp("A grant it may use (repeat): client_credentials, password, authorization_code, refresh_token, token-exchange. None: a confidential client that only authenticates (a service that introspects tokens or looks up its callers' signing keys).", valueName: "type"))
        var grants: [String] = []
        @Option(name: .customLong("scope"), help: ArgumentHelp("A scope it may have (repeat).", valueName: "scope")) var scopes: [String] = []
        @Option(name: .customLong("redirect-uri"), help: ArgumentHelp("An exact redirect URI (repeat).", valueName: "uri")) var redirectURIs: [String] = []
        @Option(name: .customLong("audience"), help: ArgumentHelp("An audience it may ask for (repeat); the first is its default.", valueName: "aud")) var audiences: [String] = []
        @Option(help: ArgumentHelp("Access-token lifetime in seconds (default: the server's).", valueName: "seconds")) var tokenLifetime: Int?
        @Flag(help: "Its token requests must carry a DPoP proof (RFC 9449): every token it gets is bound to its key.") var requireDpop = false
        @OptionGroup(title: "Request signing (RFC 9421)") var signing: SigningKeyOptions
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions

        func validate() throws {
            try ClientCommand.validate(id: id)
            if secretStdin, signing.signingSecretStdin { throw ValidationError("--secret-stdin and --signing-secret-stdin both read standard input: give one") }
            if isPublic, signing.signingSecretStdin { throw ValidationError("a public client cannot keep a signing secret (give it a public key: --signing-jwk)") }
            // A confidential client without grants only authenticates: a resource server that
            // introspects tokens or looks up its callers' signing keys.
            guard !grants.isEmpty || !isPublic else { throw ValidationError("name at least one --grant (a public client does nothing else)") }
            // Every access token needs an `aud` (RFC 9068 §2.2).
            guard !audiences.isEmpty || grants.isEmpty else { throw ValidationError("name at least one --audience (the first is the default aud of its tokens)") }
            if grants.contains("authorization_code"), redirectURIs.isEmpty {
                throw ValidationError("the authorization_code grant needs at least one --redirect-uri")
            }
            try ClientCommand.validate(grants: grants, redirectURIs: redirectURIs, audiences: audiences, tokenLifetime: tokenLifetime)
            if isPublic, secret != nil || secretStdin { throw ValidationError("a public client has no secret") }
        }

        func run() async throws {
            let grantTypes = Set(grants.compactMap(GrantType.init(commandLineName:)))
            try ClientCommand.validate(grants: grantTypes, isPublic: isPublic)
            let scopeSet = try ClientCommand.scopeSet(scopes)
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
                record.signingKeys = try await signing.keys(for: id) { secret, keyID in
                    try ClientSigningKey.sealing(secret: secret, id: keyID, with: try await store.masterKey(settings, checkedAgainst: db))
                }
                try await ClientCommand.requireKnown(scopeSet, in: db)
                do { try await db.createClient(record) } catch let error as StoreError where error.code == .conflict {
                    throw CommandFailure.refused("the client \(id) exists already")
                }
                try await db.appendAudit(AuditEvent(at: Date(), event: "client.created", clientID: id, scope: record.scopes.description, outcome: "success",
                                                    detail: "warden client create: grants \(record.grants.sorted().map(\.rawValue).joined(separator: " "))"
                                                        + (record.signingKeys.isEmpty ? "" : "; signing keys: \(ClientCommand.describe(record.signingKeys))")))
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

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change a client: each option given replaces what is stored (a repeated option, the whole list); the rest stays.",
            discussion: "Running servers see the change within a second (their client cache). A change that takes something away "
                + "(a scope, a grant, an audience, the secret), newly requires DPoP or disables the client revokes every token the client was issued "
                + "until then (one entry on the revocation feed: services refuse them within its latency, and tokens got in the "
                + "next 2 seconds too); refreshes never get more than the client's current scopes. A public client stays public "
                + "and a confidential one confidential (create another client to change that)."
        )
        @Argument(help: "The client id.") var id: String
        @Option(name: .customLong("grant"), help: ArgumentHelp("The grants it may use, replacing the stored ones (repeat).", valueName: "type"))
        var grants: [String] = []
        @Option(name: .customLong("scope"), help: ArgumentHelp("The scopes it may have, replacing the stored ones (repeat).", valueName: "scope")) var scopes: [String] = []
        @Flag(help: "It may have no scope at all (clears the stored ones).") var noScopes = false
        @Option(name: .customLong("redirect-uri"), help: ArgumentHelp("Its exact redirect URIs, replacing the stored ones (repeat).", valueName: "uri")) var redirectURIs: [String] = []
        @Flag(help: "Clear its redirect URIs.") var noRedirectUris = false
        @Option(name: .customLong("audience"), help: ArgumentHelp("The audiences it may ask for, replacing the stored ones (repeat); the first is its default.", valueName: "aud"))
        var audiences: [String] = []
        @Option(help: ArgumentHelp("Access-token lifetime in seconds.", valueName: "seconds")) var tokenLifetime: Int?
        @Flag(help: "Its tokens get the server's default lifetime again.") var defaultTokenLifetime = false
        @Flag(inversion: .prefixedNo, help: "Whether its token requests must carry a DPoP proof (RFC 9449 §5.2).") var requireDpop: Bool?
        @Flag(help: "Give it a new generated secret, printed once (the old one stops working at once).") var rotateSecret = false
        @Flag(help: "Give it the secret on the first line of standard input (the old one stops working at once).") var secretStdin = false
        @OptionGroup(title: "Request signing (RFC 9421): keys given are added") var signing: SigningKeyOptions
        @Option(name: .customLong("remove-signing-key"), help: ArgumentHelp("Remove the signing key with this id (repeat); services stop taking it within their key cache's lifetime.", valueName: "id"))
        var removedSigningKeys: [String] = []
        @Flag(help: "Remove all its signing keys.") var noSigningKeys = false
        @Flag(help: "Disable it: no authentication, no tokens; the tokens it had are revoked.") var disabled = false
        @Flag(help: "Enable a disabled client.") var enabled = false
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions

        func validate() throws {
            try ClientCommand.validate(id: id)
            try ClientCommand.validate(grants: grants, redirectURIs: redirectURIs, audiences: audiences, tokenLifetime: tokenLifetime)
            if secretStdin, signing.signingSecretStdin { throw ValidationError("--secret-stdin and --signing-secret-stdin both read standard input: give one") }
            if noSigningKeys, !removedSigningKeys.isEmpty { throw ValidationError("--no-signing-keys removes them all: no --remove-signing-key needed") }
            guard removedSigningKeys.count <= 10 else { throw ValidationError("at most 10 --remove-signing-key") }
            let changes: [Bool] = [!grants.isEmpty, !scopes.isEmpty, noScopes, !redirectURIs.isEmpty, noRedirectUris, !audiences.isEmpty,
                                   tokenLifetime != nil, defaultTokenLifetime, requireDpop != nil, rotateSecret, secretStdin,
                                   !signing.isEmpty, !removedSigningKeys.isEmpty, noSigningKeys, disabled, enabled]
            guard changes.contains(true) else { throw ValidationError("nothing to change: give at least one option (see --help)") }
            if noScopes, !scopes.isEmpty { throw ValidationError("--no-scopes and --scope contradict each other") }
            if noRedirectUris, !redirectURIs.isEmpty { throw ValidationError("--no-redirect-uris and --redirect-uri contradict each other") }
            if defaultTokenLifetime, tokenLifetime != nil { throw ValidationError("--default-token-lifetime and --token-lifetime contradict each other") }
            if rotateSecret, secretStdin { throw ValidationError("give --rotate-secret or --secret-stdin, not both") }
            if disabled, enabled { throw ValidationError("--disabled and --enabled contradict each other") }
        }

        var scopesGiven: Bool { !scopes.isEmpty || noScopes }

        /// `stored` with the options given applied, checked as `create` checks a client.
        func changed(_ stored: ClientRecord, secretHash: [UInt8]?, addingSigningKeys added: [ClientSigningKey] = []) throws -> ClientRecord {
            var record = stored
            if !grants.isEmpty { record.grants = Set(grants.compactMap(GrantType.init(commandLineName:))) }
            if scopesGiven { record.scopes = try ClientCommand.scopeSet(scopes) }
            if !redirectURIs.isEmpty || noRedirectUris { record.redirectURIs = redirectURIs }
            if !audiences.isEmpty { record.audiences = audiences }
            if let tokenLifetime { record.accessTokenLifetime = .seconds(tokenLifetime) }
            if defaultTokenLifetime { record.accessTokenLifetime = nil }
            if let requireDpop { record.requiresDPoP = requireDpop }
            if disabled { record.disabled = true }
            if enabled { record.disabled = false }
            try ClientCommand.validate(grants: record.grants, isPublic: record.isPublic)
            if record.grants.contains(.authorizationCode), record.redirectURIs.isEmpty {
                throw CommandFailure.refused("the authorization_code grant needs at least one redirect URI")
            }
            if let secretHash {
                guard !record.isPublic else { throw CommandFailure.refused("\(id) is a public client: it has no secret") }
                record.secretHash = secretHash
            }
            if noSigningKeys { record.signingKeys = [] }
            for removed in removedSigningKeys {
                guard let index = record.signingKeys.firstIndex(where: { $0.id == removed }) else {
                    throw CommandFailure.refused("\(id) has no signing key \(PrintableText.escaped(removed.prefix(80)))")
                }
                record.signingKeys.remove(at: index)
            }
            for key in added {
                guard !record.signingKeys.contains(where: { $0.id == key.id }) else {
                    throw CommandFailure.refused("\(id) has a signing key \(key.id) already: remove it (--remove-signing-key) or give the new one another id")
                }
                if key.algorithm.isSymmetric, record.isPublic { throw CommandFailure.refused("\(id) is a public client: it cannot keep a signing secret") }
                record.signingKeys.append(key)
            }
            guard record.signingKeys.count <= 10 else { throw CommandFailure.refused("at most 10 signing keys per client") }
            return record
        }

        func run() async throws {
            _ = try ClientCommand.scopeSet(scopes)
            let newSecret = secretStdin ? try SecretInput.read(option: nil, fromStandardInput: true, environment: "", what: "client secret") : nil
            if let newSecret, newSecret.utf8.count < 16 { throw ValidationError("a client secret must be at least 16 characters") }
            let secretShown = rotateSecret ? OpaqueToken.generate() : nil
            let (record, revoked) = try await store.withStore(existing: true) { db, settings -> (ClientRecord, Bool) in
                var secretHash: [UInt8]?
                // Refused before the master key is read (or made) to seal it.
                if signing.signingSecretStdin, try await db.client(id: id)?.isPublic == true {
                    throw CommandFailure.refused("\(id) is a public client: it cannot keep a signing secret (give it a public key: --signing-jwk)")
                }
                let addedSigningKeys = try await signing.keys(for: id) { secret, keyID in
                    try ClientSigningKey.sealing(secret: secret, id: keyID, with: try await store.masterKey(settings, checkedAgainst: db))
                }
                // Read, change, and write only if nobody changed it meanwhile (compare-and-set);
                // else read again: two updates at once both land.
                for _ in 0..<5 {
                    guard let stored = try await db.client(id: id) else { throw CommandFailure.refused("no client \(id)") }
                    if let secret = newSecret ?? secretShown, secretHash == nil {
                        // Refused before the master key is read (or made).
                        guard !stored.isPublic else { throw CommandFailure.refused("\(id) is a public client: it has no secret") }
                        secretHash = ClientSecretHasher(masterKey: try await store.masterKey(settings, checkedAgainst: db)).hash(secret)
                    }
                    let record = try changed(stored, secretHash: secretHash, addingSigningKeys: addedSigningKeys)
                    if scopesGiven { try await ClientCommand.requireKnown(record.scopes, in: db) }
                    // Taken away: the tokens got with it go too (issue 14) — revoked first, so that
                    // a failure between the two leaves them revoked and the change to redo, never
                    // the change made and the tokens alive (a review); a token issued between the
                    // two is covered by the entry's margin.
                    let revokes = stored.revokesTokens(whenChangedTo: record)
                    if revokes { try await ClientTokenRevocation.revokeTokens(of: id, in: db) }
                    guard try await db.updateClient(record, replacing: stored) else { continue }
                    // After the change, not between the entry and it (the margin is short).
                    if revokes { try await ClientCommand.revokeExchangedTokens(from: id, in: db) }
                    // Who may do what changed: the audit log says what (never the secret).
                    try await db.appendAudit(AuditEvent(at: Date(), event: "client.updated", clientID: id, scope: record.scopes.description, outcome: "success",
                                                        detail: ClientCommand.changes(from: stored, to: record) + (revokes ? "; its tokens revoked" : "")))
                    return (record, revokes)
                }
                throw CommandFailure.refused("client \(id) kept changing while this update ran; try again")
            }
            var json = ClientCommand.json(record)
            if case .object(var members) = json {
                if let secretShown { members["client_secret"] = .string(secretShown) }
                members["tokens_revoked"] = .bool(revoked)
                json = .object(members)
            }
            var text = "updated client \(id)"
            if revoked { text += "; the tokens it was issued until now are revoked" }
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
                "\(client.id)\t\(client.isPublic ? "public" : "confidential")\tgrants: \(client.grants.isEmpty ? "none" : client.grants.sorted().map(\.rawValue).joined(separator: " "))\tscopes: \(client.scopes)\taudiences: \(client.audiences.joined(separator: " "))\(client.requiresDPoP ? "\tDPoP required" : "")\(client.disabled ? "\tdisabled" : "")\(client.signingKeys.isEmpty ? "" : "\tsigning keys: \(ClientCommand.describe(client.signingKeys))")"
            }.joined(separator: "\n"))
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a client and revoke every token it was issued (one entry on the revocation feed).")
        @Argument var id: String
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let deleted = try await store.withStore(existing: true) { db in
                guard try await db.client(id: id) != nil else { return false }
                // Issue 14: a deleted client's tokens die with it — revoked first, so a failure
                // in between never leaves a deleted client's tokens alive.
                try await ClientTokenRevocation.revokeTokens(of: id, in: db)
                guard try await db.deleteClient(id: id) else { return false }
                try await ClientCommand.revokeExchangedTokens(from: id, in: db)
                try await db.appendAudit(AuditEvent(at: Date(), event: "client.deleted", clientID: id, outcome: "success", detail: "warden client delete; its tokens revoked"))
                return true
            }
            guard deleted else { throw CommandFailure.refused("no client \(id)") }
            output.print(.object(["deleted": .string(id), "tokens_revoked": .bool(true)]), text: "deleted client \(id); the tokens it was issued are revoked")
        }
    }

    /// Issue 14: the tokens other services got by exchanging the changed client's go too. The
    /// change itself is made; if this fails, saying so plainly (they end at their `exp`).
    static func revokeExchangedTokens(from id: String, in db: any AuthorizationStore) async throws {
        do {
            try await ClientTokenRevocation.revokeExchangedTokens(from: id, in: db)
        } catch {
            throw CommandFailure(.unavailable, "client \(id) was changed and its own tokens revoked, but the tokens other services got by exchanging them could not be revoked (\(error)); they end when they expire")
        }
    }

    /// A client id: 1–128 visible ASCII characters without ':' (it goes in HTTP Basic credentials).
    static func validate(id: String) throws {
        guard !id.isEmpty, id.utf8.count <= 128, id.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F && $0 != ":" }) else {
            throw ValidationError("a client id is 1–128 visible ASCII characters without ':'")
        }
    }

    /// What `create` and `update` check of the options given.
    static func validate(grants: [String], redirectURIs: [String], audiences: [String], tokenLifetime: Int?) throws {
        for grant in grants where GrantType(commandLineName: grant) == nil {
            throw ValidationError("unknown grant '\(grant)'")
        }
        // Stored one per line: no control character may hide in a value (a "\r" before the
        // separator merged two entries into one, found by a review), and sizes stay sane (every
        // token carries its audience; resource servers refuse tokens over 8 KiB).
        guard redirectURIs.count <= 100, audiences.count <= 100 else { throw ValidationError("at most 100 redirect URIs and 100 audiences") }
        let hasControlCharacter = { (text: String) in text.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F } }
        for uri in redirectURIs {
            guard uri.utf8.count <= 2048, !hasControlCharacter(uri) else { throw ValidationError("a redirect URI is at most 2048 bytes without control characters") }
            guard let url = URL(string: uri), let scheme = url.scheme?.lowercased(), url.host != nil, url.fragment == nil else {
                throw ValidationError("'\(uri)' is not an absolute redirect URI without a fragment (RFC 6749 §3.1.2)")
            }
            let loopback = ["127.0.0.1", "localhost", "[::1]", "::1"].contains(url.host ?? "")
            guard scheme == "https" || (scheme == "http" && loopback) else {
                throw ValidationError("redirect URIs must be https (http only on loopback): \(uri)")
            }
        }
        for audience in audiences where audience.isEmpty || audience.utf8.count > 256 || hasControlCharacter(audience) || audience.contains(" ") {
            throw ValidationError("an audience is 1–256 bytes without spaces or control characters: '\(PrintableText.escaped(audience.prefix(64)))'")
        }
        if let tokenLifetime, !(1...86_400).contains(tokenLifetime) { throw ValidationError("--token-lifetime must be 1…86400 seconds") }
    }

    /// Grants that need a secret (RFC 6749 §4.4; RFC 8693 §2.1 via client authentication).
    static func validate(grants: Set<GrantType>, isPublic: Bool) throws {
        if isPublic, grants.contains(.clientCredentials) || grants.contains(.tokenExchange) {
            throw ValidationError("client_credentials and token-exchange need a confidential client")
        }
    }

    static func scopeSet(_ scopes: [String]) throws -> ScopeSet {
        var scopeSet = ScopeSet()
        for scope in scopes {
            guard let parsed = try? Scope(validating: scope) else { throw ValidationError("'\(scope)' is not a valid scope token") }
            scopeSet.insert(parsed)
        }
        return scopeSet
    }

    static func requireKnown(_ scopes: ScopeSet, in db: any AuthorizationStore) async throws {
        let known = Set(try await db.scopes().map(\.scope))
        let unknown = scopes.filter { !known.contains($0) }
        guard unknown.isEmpty else {
            throw CommandFailure.refused("unknown scopes: \(unknown.map(\.rawValue).joined(separator: " ")); create them with `warden scope create`")
        }
    }

    /// What changed, for the audit log: the names of the changed settings and their new values
    /// (a secret only as "secret rotated").
    static func changes(from old: ClientRecord, to new: ClientRecord) -> String {
        var changed: [String] = []
        if old.grants != new.grants { changed.append("grants: \(new.grants.sorted().map(\.rawValue).joined(separator: " "))") }
        if old.scopes != new.scopes { changed.append("scopes: \(new.scopes)") }
        if old.redirectURIs != new.redirectURIs { changed.append("redirect_uris: \(new.redirectURIs.joined(separator: " "))") }
        if old.audiences != new.audiences { changed.append("audiences: \(new.audiences.joined(separator: " "))") }
        if old.accessTokenLifetime != new.accessTokenLifetime {
            changed.append("token_lifetime: \(new.accessTokenLifetime.map { "\(Int($0.timeInterval)) s" } ?? "the server's default")")
        }
        if old.requiresDPoP != new.requiresDPoP { changed.append("dpop_bound_access_tokens: \(new.requiresDPoP)") }
        if old.disabled != new.disabled { changed.append(new.disabled ? "disabled" : "enabled") }
        if old.secretHash != new.secretHash { changed.append("secret rotated") }
        if old.signingKeys != new.signingKeys { changed.append("signing keys: \(new.signingKeys.isEmpty ? "none" : describe(new.signingKeys))") }
        return "warden client update: " + (changed.isEmpty ? "nothing changed" : changed.joined(separator: "; "))
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
        if client.disabled { members["disabled"] = .bool(true) }
        // Ids and algorithms only: never a secret (a public key is fetched where it is needed).
        if !client.signingKeys.isEmpty {
            members["signing_keys"] = .array(client.signingKeys.map { .object(["key_id": .string($0.id), "algorithm": .string($0.algorithm.rawValue)]) })
        }
        return .object(members)
    }

    /// "id (algorithm), …" for the audit log and lists.
    static func describe(_ keys: [ClientSigningKey]) -> String {
        keys.map { "\($0.id) (\($0.algorithm.rawValue))" }.joined(separator: ", ")
    }
}
