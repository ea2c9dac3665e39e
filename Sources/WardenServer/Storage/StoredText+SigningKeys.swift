public import WardenCore

extension StoredText {
    /// A client's signing keys as one JSON array, the same for every backend:
    /// `[{"kid", "alg", "jwk": {…}} | {"kid", "alg", "sealed": base64url}]`.
    public static func text(signingKeys keys: [ClientSigningKey]) -> String {
        let items: [JSONValue] = keys.map { key in
            var members: [String: JSONValue] = ["kid": .string(key.id), "alg": .string(key.algorithm.rawValue)]
            switch key.material {
            case .publicJWK(let jwk): members["jwk"] = .object(jwk)
            case .sealedSecret(let sealed): members["sealed"] = .string(Base64URL.encode(sealed))
            }
            return .object(members)
        }
        return String(decoding: JSONValue.array(items).serialized(), as: UTF8.self)
    }

    /// - Throws: ``StoreError/Code/corrupt`` for anything ``text(signingKeys:)`` does not write.
    public static func signingKeys(_ text: String, column: String) throws(StoreError) -> [ClientSigningKey] {
        let corrupt = StoreError(.corrupt, "column \(column) is not a list of signing keys")
        guard let items = (try? StrictJSONParser().parse(Array(text.utf8)))?.arrayValue else { throw corrupt }
        var keys: [ClientSigningKey] = []
        for item in items {
            guard let members = item.objectValue, let id = members["kid"]?.stringValue,
                let algorithm = members["alg"]?.stringValue.flatMap(HTTPSignatureAlgorithm.init(rawValue:))
            else { throw corrupt }
            if let jwk = members["jwk"]?.objectValue {
                keys.append(ClientSigningKey(id: id, algorithm: algorithm, material: .publicJWK(jwk)))
            } else if let sealed = members["sealed"]?.stringValue.flatMap({ Base64URL.decodeCanonical($0.utf8) }) {
                keys.append(ClientSigningKey(id: id, algorithm: algorithm, material: .sealedSecret(sealed)))
            } else {
                throw corrupt
            }
        }
        return keys
    }
}
