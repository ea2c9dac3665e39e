import ArgumentParser
import Foundation
import WardenCore
import WardenServer

/// The request-signing keys (RFC 9421) `client create` registers and `client update` adds or
/// removes: public JWKs from files, an `hmac-sha256` secret from standard input (sealed with
/// the master key before it is stored).
struct SigningKeyOptions: ParsableArguments {
    @Option(name: .customLong("signing-jwk"), help: ArgumentHelp(
        "A file holding a public JWK it signs requests with (repeat): Ed25519, P-256 or RSA ≥ 2048 bits. Its kid, if any, is the key id.",
        valueName: "file"))
    var jwkFiles: [String] = []
    @Flag(help: "Read an hmac-sha256 signing secret (base64 or base64url of at least 32 bytes) from the first line of standard input.")
    var signingSecretStdin = false
    @Option(help: ArgumentHelp("The key id of the secret (default: the client id); a key id is the client id, or the client id, ':' and a label.", valueName: "id"))
    var signingKeyId: String?

    var isEmpty: Bool { jwkFiles.isEmpty && !signingSecretStdin }

    func validate() throws {
        guard jwkFiles.count <= 10 else { throw ValidationError("at most 10 --signing-jwk") }
        if signingKeyId != nil, !signingSecretStdin { throw ValidationError("--signing-key-id names the secret of --signing-secret-stdin") }
    }

    /// The keys given, read and checked: public keys only in the files, ids valid for `clientID`
    /// and distinct. `sealing` seals the secret (called only when there is one).
    func keys(for clientID: String, sealing: ([UInt8], String) async throws -> ClientSigningKey) async throws -> [ClientSigningKey] {
        var keys: [ClientSigningKey] = []
        for path in jwkFiles {
            guard let data = FileManager.default.contents(atPath: path), data.count <= 16 * 1024 else {
                throw ValidationError("cannot read a JWK of at most 16 KiB from \(path)")
            }
            guard let jwk = (try? StrictJSONParser().parse(Array(data)))?.objectValue else { throw ValidationError("\(path) does not hold a JSON object (a JWK)") }
            if let kid = jwk["kid"], kid.stringValue == nil { throw ValidationError("\(path): kid must be a string") }
            let id = jwk["kid"]?.stringValue ?? clientID
            try Self.requireValid(id, for: clientID, source: path)
            do {
                keys.append(ClientSigningKey(publicKey: try HTTPSignatureKey.jwk(jwk, id: id)))
            } catch {
                throw ValidationError("\(path): \(error)")
            }
        }
        if signingSecretStdin {
            guard let line = Swift.readLine(strippingNewline: true), !line.isEmpty else { throw ValidationError("no signing secret on standard input") }
            let text = line.trimmingCharacters(in: .whitespaces)
            guard !text.isEmpty, !text.allSatisfy(\.isHexDigit) else {
                throw ValidationError("the signing secret looks like hex: give it as base64 (e.g. `openssl rand -base64 32`), as the client will use it")
            }
            guard let secret = Self.decode(text), secret.count >= 32 else {
                throw ValidationError("the signing secret must be base64 or base64url of at least 32 bytes (e.g. `openssl rand -base64 32`)")
            }
            guard Set(secret).count > 1 else { throw ValidationError("the signing secret is one byte repeated: generate a random one (e.g. `openssl rand -base64 32`)") }
            let id = signingKeyId ?? clientID
            try Self.requireValid(id, for: clientID, source: "--signing-key-id")
            keys.append(try await sealing(secret, id))
        }
        let ids = keys.map(\.id)
        guard Set(ids).count == ids.count else { throw ValidationError("two signing keys named \(ids.first { id in ids.filter { $0 == id }.count > 1 }!): give each a distinct kid") }
        return keys
    }

    static func requireValid(_ id: String, for clientID: String, source: String) throws {
        guard ClientSigningKey.isValidID(id, for: clientID) else {
            throw ValidationError("\(source): key id '\(PrintableText.escaped(id.prefix(80)))' must be \(clientID) or \(clientID):LABEL (1–64 visible ASCII characters, no quote or backslash)")
        }
    }

    /// Standard base64 or base64url, padded or not (what `openssl rand -base64` and Warden
    /// print), canonical: no stray character, no padding but at the end, no unused bits set.
    static func decode(_ text: String) -> [UInt8]? {
        var body = Substring(text)
        var padding = 0
        while body.hasSuffix("="), padding < 2 { body = body.dropLast(); padding += 1 }
        if padding > 0, (body.utf8.count + padding) % 4 != 0 { return nil }
        let urlSafe = body.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        // A text mixing both alphabets is no encoding anyone produced.
        guard !(body.contains("+") || body.contains("/")) || !(body.contains("-") || body.contains("_")) else { return nil }
        return Base64URL.decodeCanonical(urlSafe.utf8)
    }
}
