import Foundation
import Testing
import WardenCore

/// Project Wycheproof vectors (see Vectors/LICENSE-wycheproof.txt) through Warden's own path:
/// the key comes in as a JWK through ``JSONWebKeySet`` (as from a JWKS), and each signature is
/// checked by ``VerificationKey/isValidSignature(_:for:)``, the call the verifier makes.
@Suite struct WycheproofTests {
    struct Outcome { var checked = 0; var mismatches: [String] = [] }

    static func load(_ name: String) throws -> [String: Any] {
        let url = Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Vectors")!
        return try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
    }

    static func hex(_ string: String) -> [UInt8] {
        var bytes: [UInt8] = []
        var index = string.startIndex
        while index < string.endIndex {
            let next = string.index(index, offsetBy: 2)
            bytes.append(UInt8(string[index..<next], radix: 16)!)
            index = next
        }
        return bytes
    }

    func run(file: String, expectedAlgorithm: SignatureAlgorithm) async throws -> Outcome {
        let document = try Self.load(file)
        var outcome = Outcome()
        for (groupIndex, group) in (document["testGroups"] as! [[String: Any]]).enumerated() {
            var jwk = group["publicKeyJwk"] as! [String: Any]
            jwk["kid"] = "wycheproof-\(groupIndex)"
            let jwks = try JSONSerialization.data(withJSONObject: ["keys": [jwk]])
            let parsed = try await JSONWebKeySet.parse(Array(jwks))
            let tests = group["tests"] as! [[String: Any]]
            guard let key = parsed.keys.first else {
                // A key Warden refuses to load can verify nothing: only acceptable if no test expects "valid".
                for test in tests where test["result"] as? String == "valid" {
                    outcome.mismatches.append("group \(groupIndex): key refused but tcId \(test["tcId"]!) is valid")
                }
                continue
            }
            #expect(key.algorithm == expectedAlgorithm)
            for test in tests {
                let message = Self.hex(test["msg"] as! String)
                let signature = Self.hex(test["sig"] as! String)
                let valid = key.isValidSignature(signature, for: message[...])
                let expected = test["result"] as! String
                outcome.checked += 1
                // "acceptable" vectors may go either way; "valid" must verify, "invalid" must not.
                if expected == "valid" && !valid || expected == "invalid" && valid {
                    outcome.mismatches.append("tcId \(test["tcId"]!) (\(test["comment"] ?? "")): expected \(expected)")
                }
            }
        }
        return outcome
    }

    @Test func ecdsaP256P1363() async throws {
        let outcome = try await run(file: "ecdsa_secp256r1_sha256_p1363_test", expectedAlgorithm: .es256)
        #expect(outcome.checked > 200)
        #expect(outcome.mismatches == [])
    }

    @Test func ed25519() async throws {
        let outcome = try await run(file: "ed25519_test", expectedAlgorithm: .eddsa)
        #expect(outcome.checked > 100)
        #expect(outcome.mismatches == [])
    }
}
