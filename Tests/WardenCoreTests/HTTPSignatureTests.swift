import Crypto
import CryptoExtras
import Foundation
import Testing
@testable import WardenCore

/// HTTP Message Signatures (RFC 9421) and Content-Digest (RFC 9530): the RFCs' own vectors byte
/// for byte, and every check with its negative case.
@Suite struct HTTPSignatureTests {
    typealias Keys = RFC9421TestKeys

    func verifier(_ keys: [HTTPSignatureKey], requiring components: [SignatureComponent] = [], at time: Int = RFC9421TestKeys.created, _ configure: (inout HTTPSignaturePolicy) -> Void = { _ in }) -> HTTPSignatureVerifier {
        var policy = HTTPSignaturePolicy(requiring: components)
        configure(&policy)
        return HTTPSignatureVerifier(policy: policy, keys: StaticSignatureKeys(keys), timeSource: .fixed(Date(timeIntervalSince1970: Double(time))))
    }

    func refusal(_ verifier: HTTPSignatureVerifier, _ request: SignableRequest, body: [UInt8]? = RFC9421TestKeys.body) async -> HTTPSignatureError.Reason? {
        do { _ = try await verifier.verify(request, body: body) } catch { return error.reason }
        return nil
    }

    // MARK: RFC 9421 Appendix B.2

    /// B.2.1: nothing covered but the parameters (RSA-PSS, non-deterministic: the RFC's signature verifies).
    @Test func b21MinimalSignatureVerifies() async throws {
        let request = Keys.request(adding: [
            ("Signature-Input", #"sig-b21=();created=1618884473;keyid="test-key-rsa-pss";nonce="b3k2pp5k7z-50gnwp.yemd""#),
            ("Signature", "sig-b21=:d2pmTvmbncD3xQm8E9ZV2828BjQWGgiwAaw5bAkgibUopemLJcWDy/lkbbHAve4cRAtx31Iq786U7it++wgGxbtRxf8Udx7zFZsckzXaJMkA7ChG52eSkFxykJeNqsrWH5S+oxNFlD4dzVuwe8DhTSja8xxbR/Z2cOGdCbzR72rgFWhzx2VjBqJzsPLMIQKhO4DGezXehhWwE56YCE+O6c0mKZsfxVrogUvA4HELjVKWmAvtl6UnCh8jYzuVG5WSb/QEVPnP5TmcAnLH1g+s++v6d4s8m0gCw1fV5/SITLq9mhho8K3+7EPYTU8IU1bLhdxO5Nyt8C8ssinQ98Xw9Q==:"),
        ])
        let verified = try await verifier([try Keys.rsaPSS()]).verify(request, body: Keys.body)
        #expect(verified.label == "sig-b21")
        #expect(verified.algorithm == .rsaPSSSHA512)
        let input = try SignatureFields(inputLines: request.values(of: "signature-input"), signatureLines: request.values(of: "signature")).inputs["sig-b21"]!
        #expect(String(decoding: try SignatureBase.make(input, for: request), as: UTF8.self)
            == #""@signature-params": ();created=1618884473;keyid="test-key-rsa-pss";nonce="b3k2pp5k7z-50gnwp.yemd""#)
    }

    /// B.2.3: full coverage (RSA-PSS), with the body checked against its Content-Digest.
    @Test func b23FullCoverageVerifiesWithItsBase() async throws {
        let request = Keys.request(adding: [
            ("Signature-Input", #"sig-b23=("date" "@method" "@path" "@query" "@authority" "content-type" "content-digest" "content-length");created=1618884473;keyid="test-key-rsa-pss""#),
            ("Signature", "sig-b23=:bbN8oArOxYoyylQQUU6QYwrTuaxLwjAC9fbY2F6SVWvh0yBiMIRGOnMYwZ/5MR6fb0Kh1rIRASVxFkeGt683+qRpRRU5p2voTp768ZrCUb38K0fUxN0O0iC59DzYx8DFll5GmydPxSmme9v6ULbMFkl+V5B1TP/yPViV7KsLNmvKiLJH1pFkh/aYA2HXXZzNBXmIkoQoLd7YfW91kE9o/CCoC1xMy7JA1ipwvKvfrs65ldmlu9bpG6A9BmzhuzF8Eim5f8ui9eH8LZH896+QIF61ka39VBrohr9iyMUJpvRX2Zbhl5ZJzSRxpJyoEZAFL2FUo5fTIztsDZKEgM4cUA==:"),
        ])
        let input = try SignatureFields(inputLines: request.values(of: "signature-input"), signatureLines: request.values(of: "signature")).inputs["sig-b23"]!
        #expect(String(decoding: try SignatureBase.make(input, for: request), as: UTF8.self) == """
            "date": Tue, 20 Apr 2021 02:07:55 GMT
            "@method": POST
            "@path": /foo
            "@query": ?param=Value&Pet=dog
            "@authority": example.com
            "content-type": application/json
            "content-digest": sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:
            "content-length": 18
            "@signature-params": ("date" "@method" "@path" "@query" "@authority" "content-type" "content-digest" "content-length");created=1618884473;keyid="test-key-rsa-pss"
            """)
        _ = try await verifier([try Keys.rsaPSS()]).verify(request, body: Keys.body)
        // The same signature with another body: its digest no longer matches.
        #expect(await refusal(verifier([try Keys.rsaPSS()]), request, body: Array(#"{"hello": "World"}"#.utf8)) == .digestMismatch)
    }

    /// B.2.5: HMAC-SHA256, deterministic: Warden's base and MAC are the RFC's, byte for byte.
    @Test func b25HMACIsReproducedByteForByte() async throws {
        let input = #"sig-b25=("date" "@authority" "content-type");created=1618884473;keyid="test-shared-secret""#
        let request = Keys.request(adding: [("Signature-Input", input), ("Signature", "sig-b25=:pxcQw6G3AjtMBQjwo8XzkZf/bws5LelbaMk5rGIGtE8=:")])
        let parsed = try SignatureFields(inputLines: [input], signatureLines: ["sig-b25=:AA==:"]).inputs["sig-b25"]!
        let base = try SignatureBase.make(parsed, for: request)
        #expect(String(decoding: base, as: UTF8.self) == """
            "date": Tue, 20 Apr 2021 02:07:55 GMT
            "@authority": example.com
            "content-type": application/json
            "@signature-params": ("date" "@authority" "content-type");created=1618884473;keyid="test-shared-secret"
            """)
        #expect(Data(try Keys.hmac().sign(base)).base64EncodedString() == "pxcQw6G3AjtMBQjwo8XzkZf/bws5LelbaMk5rGIGtE8=")
        _ = try await verifier([try Keys.hmac()]).verify(request, body: nil)
    }

    /// B.2.6: Ed25519, deterministic: the RFC's signature made again, and verified with the public key alone.
    @Test func b26Ed25519IsReproducedByteForByte() async throws {
        let input = #"sig-b26=("date" "@method" "@path" "@authority" "content-type" "content-length");created=1618884473;keyid="test-key-ed25519""#
        let signature = "wqcAqbmYJ2ji2glfAMaRy4gruYYnx2nEFN2HN6jrnDnQCK1u02Gb04v9EDgwUPiu4A0w6vuQv5lIp5WPpBKRCw=="
        let request = Keys.request(adding: [("Signature-Input", input), ("Signature", "sig-b26=:\(signature):")])
        let parsed = try SignatureFields(inputLines: [input], signatureLines: ["sig-b26=:AA==:"]).inputs["sig-b26"]!
        let base = try SignatureBase.make(parsed, for: request)
        #expect(String(decoding: base, as: UTF8.self) == """
            "date": Tue, 20 Apr 2021 02:07:55 GMT
            "@method": POST
            "@path": /foo
            "@authority": example.com
            "content-type": application/json
            "content-length": 18
            "@signature-params": ("date" "@method" "@path" "@authority" "content-type" "content-length");created=1618884473;keyid="test-key-ed25519"
            """)
        #expect(Data(try Keys.ed25519().sign(base)).base64EncodedString() == signature)
        _ = try await verifier([try Keys.ed25519Public()]).verify(request, body: nil)
    }

    /// RFC 9530 Appendix B's digests of `{"hello": "world"}`.
    @Test func contentDigestsOfRFC9530() throws {
        #expect(ContentDigest.value(for: Keys.body, algorithm: .sha256) == "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:")
        #expect(ContentDigest.value(for: Keys.body, algorithm: .sha512)
            == "sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:")
        try ContentDigest.verify(["sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:, sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:"], body: Keys.body)
        // Unknown algorithms are ignored beside a known one, never accepted alone.
        try ContentDigest.verify(["md5=:AAAA:, sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:"], body: Keys.body)
        let refused: [[String]] = [
            [], ["md5=:AAAA:"], ["sha-256=:AAAA:"], ["sha-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE="], ["not a dictionary ("],
            ["sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:, sha-256=:AAAA:"],  // twice
            ["sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:, sha-512=:AAAA:"],  // one wrong
            [String(repeating: "a", count: 5000)],
            ["sha-256=@1"], ["sha-256=%\"x\""],  // RFC 9651 types: refused, no trap (Fuzz/FuzzSignatureFields)
        ]
        for lines in refused {
            #expect(throws: HTTPSignatureError.self, "\(lines)") { try ContentDigest.verify(lines, body: Keys.body) }
        }
    }

    // MARK: Signing and verifying

    func signed(_ key: HTTPSignatureKey, covering components: [SignatureComponent] = [SignatureComponent("@method"), SignatureComponent("@target-uri"), SignatureComponent("content-digest"), SignatureComponent("authorization")],
                at time: Int = RFC9421TestKeys.created, body: [UInt8] = RFC9421TestKeys.body) throws -> SignableRequest {
        var request = SignableRequest(method: "POST", targetURI: "https://payments.example.com/payments?x=1", fields: [("Authorization", "Bearer abc"), ("Content-Type", "application/json")])
        _ = try HTTPRequestSigner(key: key, covering: components).sign(&request, body: body, now: Date(timeIntervalSince1970: Double(time)))
        return request
    }

    @Test func everyAlgorithmSignsAndVerifies() async throws {
        let rsa = try HTTPSignatureKey.rsaPSSSHA512(id: "rsa", privateKey: _RSA.Signing.PrivateKey(keySize: .bits2048))
        for key in [try Keys.hmac(), try Keys.ed25519(), try Keys.p256(), rsa] {
            let request = try signed(key)
            let verified = try await verifier([key], requiring: HTTPSignaturePolicy.methodTargetDigestAndAuthorization.requiredComponents).verify(request, body: Keys.body)
            #expect(verified.algorithm == key.algorithm)
            #expect(request.values(of: "signature-input").first?.contains(#"alg="\#(key.algorithm.rawValue)""#) == true)
            #expect(request.values(of: "content-digest") == ["sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:"])
        }
    }

    /// Each covered component changed after signing: refused.
    @Test func everyCoveredComponentIsBound() async throws {
        let key = try Keys.hmac()
        let policy = HTTPSignaturePolicy.methodTargetDigestAndAuthorization.requiredComponents
        let original = try signed(key)
        func changed(_ change: (inout SignableRequest) -> Void) -> SignableRequest {
            var request = original
            change(&request)
            return request
        }
        let cases: [(String, SignableRequest, [UInt8])] = [
            ("method", changed { $0.method = "PUT" }, Keys.body),
            ("target", changed { $0.targetURI = "https://payments.example.com/payments?x=2" }, Keys.body),
            ("host", changed { $0.targetURI = "https://evil.example.com/payments?x=1" }, Keys.body),
            ("authorization", changed { $0.fields[0].value = "Bearer abd" }, Keys.body),
            ("a second authorization", changed { $0.fields.append(("Authorization", "Bearer x")) }, Keys.body),
            ("digest", changed { $0.fields = $0.fields.map { $0.name == "Content-Digest" ? ($0.name, ContentDigest.value(for: Array("{}".utf8))) : $0 } }, Keys.body),
            ("body", original, Array(#"{"hello": "worle"}"#.utf8)),
        ]
        for (name, request, body) in cases {
            let reason = await refusal(verifier([key], requiring: policy), request, body: body)
            #expect(reason == .badSignature || reason == .digestMismatch, "\(name): \(String(describing: reason))")
        }
    }

    @Test func eachPolicyCheckRefusesItsCase() async throws {
        let key = try Keys.hmac()
        let required = HTTPSignaturePolicy.methodTargetDigestAndAuthorization.requiredComponents
        let good = try signed(key)
        #expect(await refusal(verifier([key], requiring: required), good) == nil)
        // A required component not covered.
        let partial = try signed(key, covering: [SignatureComponent("@method"), SignatureComponent("@target-uri")])
        #expect(await refusal(verifier([key], requiring: required), partial) == .insufficientCoverage)
        // An unknown key id; no signature at all.
        #expect(await refusal(verifier([try Keys.ed25519()], requiring: required), good) == .unknownKey)
        #expect(await refusal(verifier([key]), SignableRequest(method: "GET", targetURI: "https://x.example/", fields: [])) == .missingSignature)
        // Old, future, within the skew; expired.
        #expect(await refusal(verifier([key], requiring: required, at: Keys.created + 61), good) == .outsideTimeWindow)
        #expect(await refusal(verifier([key], requiring: required, at: Keys.created - 6), good) == .outsideTimeWindow)
        #expect(await refusal(verifier([key], requiring: required, at: Keys.created - 4), good) == nil)
        // Replayed, to the same verifier.
        let once = verifier([key], requiring: required)
        #expect(await refusal(once, good) == nil)
        #expect(await refusal(once, good) == .replayed)
        // A full replay memory refuses rather than forgets.
        let small = verifier([key], requiring: required) { $0.replayCapacity = 1 }
        #expect(await refusal(small, good) == nil)
        #expect(await refusal(small, try signed(key)) == .replayMemoryFull)
        // The algorithm: not accepted here; `alg` naming another than the key's.
        #expect(await refusal(verifier([key], requiring: required) { $0.acceptedAlgorithms = [.ed25519] }, good) == .algorithmMismatch)
        var lying = good
        lying.fields = lying.fields.map { $0.name == "Signature-Input" ? ($0.name, $0.value.replacingOccurrences(of: #"alg="hmac-sha256""#, with: #"alg="ed25519""#)) : $0 }
        #expect(await refusal(verifier([key], requiring: required), lying) == .algorithmMismatch)
        // The same key id with another algorithm's key (an Ed25519 key named like the HMAC one).
        let impostor = HTTPSignatureKey.ed25519(id: key.id, privateKey: Curve25519.Signing.PrivateKey())
        #expect(await refusal(verifier([impostor], requiring: required), good) == .algorithmMismatch)
        // Without created; expired by `expires`.
        var noCreated = try signed(key)
        noCreated.fields = noCreated.fields.map { $0.name == "Signature-Input" ? ($0.name, $0.value.replacingOccurrences(of: "created=\(Keys.created);", with: "")) : $0 }
        #expect(await refusal(verifier([key], requiring: required), noCreated) == .missingCreated)
        var expiring = SignableRequest(method: "GET", targetURI: "https://x.example/", fields: [])
        let input = SignatureInput(components: [SignatureComponent("@method")], created: Keys.created, keyID: key.id, algorithm: .hmacSHA256, expires: Keys.created + 10)
        let mac = try key.sign(try SignatureBase.make(input, for: expiring))
        expiring.fields = [("Signature-Input", "s=" + (try input.serialized())), ("Signature", "s=:" + Data(mac).base64EncodedString() + ":")]
        #expect(await refusal(verifier([key], at: Keys.created + 9), expiring, body: nil) == nil)
        #expect(await refusal(verifier([key], at: Keys.created + 16), expiring, body: nil) == .outsideTimeWindow)
    }

    @Test func malformedFieldsAreRefusedClearly() async throws {
        let key = try Keys.hmac()
        let good = try signed(key)
        let input = good.values(of: "signature-input")[0]
        let signature = good.values(of: "signature")[0]
        func with(input: String? = nil, signature: String? = nil, extra: [(String, String)] = []) -> SignableRequest {
            var request = good
            request.fields = request.fields.filter { $0.name != "Signature-Input" && $0.name != "Signature" }
                + [("Signature-Input", input ?? good.values(of: "signature-input")[0]), ("Signature", signature ?? good.values(of: "signature")[0])] + extra.map { (name: $0.0, value: $0.1) }
            return request
        }
        let cases: [(String, SignableRequest, HTTPSignatureError.Reason)] = [
            ("not a dictionary", with(input: "sig1=(\"@method\""), .malformed),
            ("a label twice", with(input: input + ", " + input), .malformed),
            ("a label twice in Signature", with(signature: signature + ", " + signature), .malformed),
            ("a member that is no inner list", with(input: "sig1=\"x\""), .malformed),
            ("a component that is no string", with(input: input.replacingOccurrences(of: "\"@method\"", with: "@method")), .malformed),
            ("a component twice", with(input: input.replacingOccurrences(of: "(\"@method\"", with: "(\"@method\" \"@method\"")), .malformed),
            ("created as a string", with(input: input.replacingOccurrences(of: "created=\(Keys.created)", with: "created=\"\(Keys.created)\"")), .malformed),
            ("the signature as a string", with(signature: "sig1=\"abc\""), .malformed),
            ("no Signature for the label", with(signature: "other=:AAAA:"), .malformed),
            ("an oversized Signature-Input", with(input: input + ";x=\"" + String(repeating: "a", count: 9000) + "\""), .malformed),
            // Not the required "authorization" (so not covered), and not a field name either.
            ("an uppercase field name", with(input: input.replacingOccurrences(of: "\"authorization\"", with: "\"Authorization\"")), .insufficientCoverage),
            ("@signature-params covered", with(input: input.replacingOccurrences(of: "(\"@method\"", with: "(\"@signature-params\" \"@method\"")), .malformed),
            ("an unsupported derived component", with(input: input.replacingOccurrences(of: "(\"@method\"", with: "(\"@status\" \"@method\"")), .componentUnavailable),
            ("a field that is absent", with(input: input.replacingOccurrences(of: "(\"@method\"", with: "(\"x-absent\" \"@method\"")), .componentUnavailable),
            ("bs with sf", with(input: input.replacingOccurrences(of: "\"authorization\"", with: "\"authorization\";bs;sf")), .insufficientCoverage),
            // RFC 9651's dates and display strings: the library's RFC 8941 accessors trap on
            // them (found by Fuzz/FuzzSignatureFields); each is refused, nothing traps.
            ("created as an RFC 9651 date", with(input: input.replacingOccurrences(of: "created=\(Keys.created)", with: "created=@\(Keys.created)")), .malformed),
            ("an unknown parameter as a date", with(input: input + ";x=@1"), .malformed),
            ("a keyid as a display string", with(input: input + ";tag=%\"x\""), .malformed),
            ("a component parameter as a date", with(input: input.replacingOccurrences(of: "\"@method\"", with: "\"@method\";x=@1")), .malformed),
            ("a component as a date", with(input: input.replacingOccurrences(of: "\"@method\"", with: "@1")), .malformed),
            ("the signature as a date", with(signature: "sig1=@1"), .malformed),
        ]
        for (name, request, expected) in cases {
            #expect(await refusal(verifier([key], requiring: HTTPSignaturePolicy.methodTargetDigestAndAuthorization.requiredComponents), request) == expected, "\(name)")
        }
        // Under a policy that requires nothing, the same two are malformed when the base is made.
        #expect(await refusal(verifier([key]), with(input: input.replacingOccurrences(of: "\"authorization\"", with: "\"Authorization\""))) == .malformed)
        #expect(await refusal(verifier([key]), with(input: input.replacingOccurrences(of: "\"authorization\"", with: "\"authorization\";bs;sf"))) == .malformed)
    }

    /// RFC 9421 §2.1: combined values, `;bs`, `;sf`, `;key` (the RFC's examples).
    @Test func fieldComponentsAsRFC9421Shows() throws {
        let request = SignableRequest(method: "GET", targetURI: "https://www.example.com/", fields: [
            ("X-OWS-Header", "   Leading and trailing whitespace.   "), ("X-Obs-Fold-Header", "Obsolete line folding."),
            ("Example-Dict", " a=1,    b=2;x=1;y=2,   c=(a   b   c)"), ("Example-Header", "value, with, lots"), ("Example-Header", "of, commas"),
            ("Content-Digest", "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:,  sha-512=:AAAA:"),
        ])
        func value(_ component: SignatureComponent) throws -> String { try SignatureBase.fieldValue(component, request: request) }
        #expect(try value(SignatureComponent("x-ows-header")) == "Leading and trailing whitespace.")
        #expect(try value(SignatureComponent("example-header")) == "value, with, lots, of, commas")
        #expect(try value(SignatureComponent.byteSequence("example-header")) == ":dmFsdWUsIHdpdGgsIGxvdHM=:, :b2YsIGNvbW1hcw==:")
        #expect(try value(SignatureComponent.dictionaryMember("example-dict", key: "b")) == "2;x=1;y=2")
        #expect(try value(SignatureComponent.dictionaryMember("example-dict", key: "c")) == "(a b c)")
        #expect(try value(SignatureComponent.structuredField("content-digest")) == "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:, sha-512=:AAAA:")
        #expect(throws: HTTPSignatureError.self) { try value(SignatureComponent.dictionaryMember("example-dict", key: "zz")) }
        #expect(throws: HTTPSignatureError.self) { try value(SignatureComponent.structuredField("example-header")) }
    }

    /// RFC 9421 §2.2's derived components for `POST https://www.example.com/path?param=value`.
    @Test func derivedComponentsAsRFC9421Shows() throws {
        let request = SignableRequest(method: "POST", targetURI: "https://WWW.Example.com:443/path?param=value&foo=bar&baz=bat%2Dman", fields: [])
        let parts = try #require(request.targetParts())
        func value(_ name: String) throws -> String { try SignatureBase.derivedValue(SignatureComponent(name), request: request, parts: parts) }
        #expect(try value("@method") == "POST")
        #expect(try value("@authority") == "www.example.com")
        #expect(try value("@scheme") == "https")
        #expect(try value("@target-uri") == "https://WWW.Example.com:443/path?param=value&foo=bar&baz=bat%2Dman")
        #expect(try value("@request-target") == "/path?param=value&foo=bar&baz=bat%2Dman")
        #expect(try value("@path") == "/path")
        #expect(try value("@query") == "?param=value&foo=bar&baz=bat%2Dman")
        let bare = SignableRequest(method: "GET", targetURI: "http://example.com:8080", fields: [])
        let bareParts = try #require(bare.targetParts())
        #expect(try SignatureBase.derivedValue(SignatureComponent("@query"), request: bare, parts: bareParts) == "?")
        #expect(try SignatureBase.derivedValue(SignatureComponent("@path"), request: bare, parts: bareParts) == "/")
        #expect(try SignatureBase.derivedValue(SignatureComponent("@authority"), request: bare, parts: bareParts) == "example.com:8080")
    }

    /// A value with a line break would forge a line of the base: refused.
    @Test func aLineBreakInACoveredValueIsRefused() async throws {
        var request = SignableRequest(method: "GET", targetURI: "https://x.example/", fields: [("X-A", "1\n\"@method\": POST")])
        #expect(throws: HTTPSignatureError.self) { _ = try HTTPRequestSigner(key: try Keys.hmac(), covering: [SignatureComponent("x-a")]).sign(&request, body: [UInt8]()) }
    }

    @Test func acceptSignatureNamesWhatIsRequired() throws {
        #expect(try HTTPSignaturePolicy.methodTargetDigestAndAuthorization.acceptSignature() == #"sig1=("@method" "@target-uri" "content-digest" "authorization")"#)
    }

    // MARK: From a review

    /// An RFC 9651 Display String has no backslash escapes: `%"\"` must not swallow a repeated
    /// label after it (found by FuzzSignatureFields' long run, issue 17).
    @Test func aDisplayStringHidesNoRepeatedKey() throws {
        #expect(DictionaryKeys.count(in: Array(#"sig1=();x=%"\", sig1=()"#.utf8)) == 2)
        #expect(DictionaryKeys.count(in: Array(#"a="\"", b=%"a%22b\", c"#.utf8)) == 3)
        #expect(throws: HTTPSignatureError.self) {
            try SignatureFields(inputLines: [#"sig1=("@method");created=1;keyid="k";n=%"\", sig1=("@method");created=2;keyid="k""#], signatureLines: ["sig1=:AAAA:"])
        }
        #expect(throws: HTTPSignatureError.self) {
            try ContentDigest.verify([#"sha-256=:AAAA:;n=%"\", sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:"#], body: Keys.body)
        }
    }

    /// A token may hold ":" (`p=a:b`): it must not hide a repeated label, algorithm or key.
    @Test func aColonInATokenHidesNoRepeatedKey() throws {
        #expect(DictionaryKeys.count(in: Array("sig1=:AAAA:;p=a:b, sig1=:BBBB:;q=c:".utf8)) == 2)
        #expect(DictionaryKeys.count(in: Array(#"a=(:AA: "x:y" z:w);p=q:r, b=1, c"#.utf8)) == 3)
        #expect(throws: HTTPSignatureError.self) {
            try ContentDigest.verify(["sha-256=:AAAA:;p=a:b, sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:;q=c:"], body: Keys.body)
        }
        try ContentDigest.verify(["foo=a:b, sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:"], body: Keys.body)
        #expect(throws: HTTPSignatureError.self) {
            try SignatureFields(inputLines: [#"sig1=("@method");created=1;keyid="k";p=a:b, sig1=("@method");created=2;keyid="k";q=c:"#], signatureLines: ["sig1=:AAAA:"])
        }
    }

    /// ECDSA signatures have a second valid form, (r, n − s): the replay memory remembers the
    /// signature base, so the other form of a seen signature is a replay too.
    @Test func theOtherFormOfAnECDSASignatureIsAReplay() async throws {
        let key = try Keys.p256()
        let verifier = verifier([key], requiring: HTTPSignaturePolicy.methodTargetDigestAndAuthorization.requiredComponents)
        var request = SignableRequest(method: "POST", targetURI: "https://payments.example.com/payments", fields: [("Authorization", "Bearer abc")])
        let input = SignatureInput(components: HTTPSignaturePolicy.methodTargetDigestAndAuthorization.requiredComponents, created: Keys.created, keyID: key.id, algorithm: nil)
        request.fields.append(("Content-Digest", ContentDigest.value(for: Keys.body)))
        let signature = try key.sign(try SignatureBase.make(input, for: request))
        // n of P-256 (SEC 2), minus s, big-endian.
        let n: [UInt8] = [0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
                          0xBC, 0xE6, 0xFA, 0xAD, 0xA7, 0x17, 0x9E, 0x84, 0xF3, 0xB9, 0xCA, 0xC2, 0xFC, 0x63, 0x25, 0x51]
        let s = Array(signature[32...])
        var negated = [UInt8](repeating: 0, count: 32)
        var borrow = 0
        for index in stride(from: 31, through: 0, by: -1) {
            var difference = Int(n[index]) - Int(s[index]) - borrow
            borrow = difference < 0 ? 1 : 0
            if difference < 0 { difference += 256 }
            negated[index] = UInt8(difference)
        }
        let other = Array(signature[..<32]) + negated
        #expect(other != signature)
        let base = try SignatureBase.make(input, for: request)
        #expect(key.isValidSignature(other, for: base))
        func signed(_ bytes: [UInt8]) throws -> SignableRequest {
            var copy = request
            copy.fields += [("Signature-Input", "sig1=" + (try input.serialized())), ("Signature", "sig1=:" + Data(bytes).base64EncodedString() + ":")]
            return copy
        }
        #expect(await refusal(verifier, try signed(signature)) == nil)
        #expect(await refusal(verifier, try signed(other)) == .replayed)
    }

    /// A covered value that is not visible ASCII is refused (a framework may have decoded bytes
    /// lossily into it).
    @Test func aCoveredValueOutsideVisibleASCIIIsRefused() async throws {
        let key = try Keys.hmac()
        var request = SignableRequest(method: "GET", targetURI: "https://x.example/", fields: [("X-A", "a\u{FFFD}b")])
        #expect(throws: HTTPSignatureError.self) { _ = try HTTPRequestSigner(key: key, covering: [SignatureComponent("x-a")]).sign(&request, body: [UInt8]()) }
        #expect(throws: HTTPSignatureError.self) { _ = try HTTPRequestSigner(key: key, covering: [SignatureComponent.byteSequence("x-a")]).sign(&request, body: [UInt8]()) }
    }

    /// The body is read only after the signature over the headers holds.
    @Test func theBodyIsReadOnlyForAGoodSignature() async throws {
        let key = try Keys.hmac()
        let required = HTTPSignaturePolicy.methodTargetDigestAndAuthorization.requiredComponents
        let unsigned = SignableRequest(method: "POST", targetURI: "https://payments.example.com/payments?x=1", fields: [("Authorization", "Bearer abc")])
        var forged = try signed(key)
        forged.fields = forged.fields.map { $0.name == "Signature" ? ($0.name, "sig1=:" + Data(repeating: 1, count: 32).base64EncodedString() + ":") : $0 }
        for request in [unsigned, forged] {
            await #expect(throws: HTTPSignatureError.self) {
                _ = try await verifier([key], requiring: required).verify(request) {
                    Issue.record("the body was read")
                    return Keys.body
                }
            }
        }
        var reads = 0
        _ = try await verifier([key], requiring: required).verify(try signed(key)) {
            reads += 1
            return Keys.body
        }
        #expect(reads == 1)
    }

    /// Among signatures by known keys, the first that passes is taken (a narrower one first
    /// does not block it); unpadded base64 is read (RFC 8941 §4.2.7).
    @Test func theFirstPassingSignatureIsTakenAndPaddingIsOptional() async throws {
        let key = try Keys.hmac()
        let required = HTTPSignaturePolicy.methodTargetDigestAndAuthorization.requiredComponents
        let narrow = try signed(key, covering: [SignatureComponent("@method")])
        var both = try signed(key)
        let narrowInput = narrow.values(of: "signature-input")[0].replacingOccurrences(of: "sig1=", with: "sig0=")
        let narrowSignature = narrow.values(of: "signature")[0].replacingOccurrences(of: "sig1=", with: "sig0=")
        both.fields = both.fields.map {
            switch $0.name {
            case "Signature-Input": ($0.name, narrowInput + ", " + $0.value)
            case "Signature": ($0.name, narrowSignature + ", " + $0.value)
            default: $0
            }
        }
        #expect(await refusal(verifier([key], requiring: required), both) == nil)
        var unpadded = try signed(key)
        unpadded.fields = unpadded.fields.map { $0.name == "Signature" && $0.value.hasSuffix("=:") ? ($0.name, String($0.value.dropLast(2)) + ":") : $0 }
        #expect(unpadded.values(of: "signature")[0].hasSuffix("=:") == false && unpadded.values(of: "signature")[0].hasPrefix("sig1=:"))
        #expect(await refusal(verifier([key], requiring: required), unpadded) == nil)
    }
}
