import Foundation
package import Logging
import WardenCore

/// `POST /oauth2/signing-keys`: a client's registered request-signing key (RFC 9421), for a
/// service that received a request signed with it. Warden's own endpoint (no RFC defines one),
/// shaped like introspection (RFC 7662 §2.1): the caller authenticates as a confidential
/// client, and learns a key only if the key's client may call it — the caller's client id is
/// one of the key's client's `audiences` (the rule introspection uses for tokens, so one
/// registration says both "may get tokens for" and "may sign requests to"). An HMAC secret is
/// handed only that way; an unknown key and a key the caller may not have get the same 404, so
/// nothing tells which clients or keys exist.
public struct ClientSigningKeyService: Sendable {
    let clients: ClientAuthenticator
    let masterKey: MasterKey
    let timeSource: TimeSource
    let logger: Logger

    package init(tokens: TokenService, masterKey: MasterKey, logger: Logger) {
        self.clients = tokens.clients
        self.masterKey = masterKey
        self.timeSource = tokens.timeSource
        self.logger = logger
    }

    /// The answer's JSON, `{"key_id", "client_id", "algorithm", "jwk"}`, or `nil` (404).
    public func lookUp(keyID: String, credentials: ClientCredentials?, remoteAddress: String?) async throws -> [UInt8]? {
        let caller = try await clients.authenticate(credentials, remoteAddress: remoteAddress, allowPublic: false)
        // Key ids are visible ASCII; compared by bytes (`==` on String is canonical equivalence).
        guard keyID.utf8.count <= 256, ClientAuthenticator.isVisibleASCII(keyID) else { return nil }
        let owner = String(ClientSigningKey.clientID(ofKeyID: keyID))
        guard let client = try await clients.client(id: owner), !client.disabled,
            client.audiences.contains(where: { $0.utf8.elementsEqual(caller.id.utf8) }),
            let key = client.signingKeys.first(where: { $0.id.utf8.elementsEqual(keyID.utf8) })
        else {
            logger.debug("signing key not given", metadata: ["caller": "\(caller.id)", "key_id": "\(PrintableText.escaped(keyID.prefix(64)))"])
            return nil
        }
        let jwk: [String: JSONValue]
        do { jwk = try key.jwk(opening: masterKey) } catch {
            // A sealed secret that does not open: the database and the master key disagree.
            logger.error("a client signing key cannot be opened", metadata: ["key_id": "\(keyID)", "error": "\(error)"])
            throw StoreError(.corrupt, "client signing key \(keyID) does not open")
        }
        if key.algorithm.isSymmetric {
            // A shared secret left the server: who got which (never the secret).
            try await clients.store.appendAudit(AuditEvent(at: timeSource.now(), event: "signing_key.disclosed", clientID: client.id, outcome: "success",
                                                           detail: "secret \(key.id) given to \(caller.id)"))
        }
        return JSONValue.object([
            "key_id": .string(key.id),
            "client_id": .string(client.id),
            "algorithm": .string(key.algorithm.rawValue),
            "jwk": .object(jwk),
        ]).serialized()
    }
}
