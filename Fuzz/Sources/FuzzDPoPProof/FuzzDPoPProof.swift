import Foundation
import FuzzSupport
import WardenCore

/// DPoP proofs (RFC 9449 §4.3, hand-written checks over jwt-kit's signatures), two ways by the
/// input's first byte:
/// - even: the rest is the whole proof (any header, any payload, any signature);
/// - odd: the rest is the payload, under a real header and a valid signature by the key it
///   names — so the claim checks are reached. A proof that passes must name this request, and
///   passes once: presented again it is refused as replayed.
/// And the `htu` normalisation (RFC 3986 §6.2.2–3): normalising what it produced changes nothing.
let now = Date(timeIntervalSince1970: 1_800_000_000)
let target = "https://api.example/orders"
let signer = blocking { await DPoPProofSigner.generateES256() }
let realHeader = String(try! signer.proof(method: "POST", uri: target, issuedAt: now).split(separator: ".")[0])
let verifier: DPoPProofVerifier = {
    var configuration = DPoPProofVerifierConfiguration()
    configuration.replayCacheCapacity = 10_000
    return DPoPProofVerifier(configuration: configuration, timeSource: .fixed(now))
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDPoPProof(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: start, count: count)
    guard let mode = bytes.first else { return 0 }
    let rest = Array(bytes.dropFirst())
    let text = String(decoding: rest, as: UTF8.self)

    if let normalized = DPoPTargetURI.normalized(text), DPoPTargetURI.normalized(normalized) != normalized {
        propertyFailed("normalising \(normalized.debugDescription) again changes it (from \(text.debugDescription))")
    }

    let proof: String
    if mode & 1 == 0 {
        proof = text
    } else {
        let input = realHeader + "." + Base64URL.encode(rest)
        proof = input + "." + Base64URL.encode(try! signer.key.sign(Array(input.utf8)))
    }
    let first = blocking { () -> Result<VerifiedDPoPProof, DPoPProofError> in
        do throws(DPoPProofError) { return .success(try await verifier.verify(proof, method: "POST", uri: target)) } catch { return .failure(error) }
    }
    guard case .success(let verified) = first else { return 0 }
    guard verified.keyThumbprint == signer.thumbprint else { propertyFailed("accepted with another key: \(proof)") }
    let claims = (try? StrictJSONParser().parse(rest))?.objectValue
    guard claims?["htm"]?.stringValue == "POST", let htu = claims?["htu"]?.stringValue,
        DPoPTargetURI.normalized(htu) == DPoPTargetURI.normalized(target)
    else { propertyFailed("accepted for another request: \(text.debugDescription)") }
    let again = blocking { () -> DPoPProofError.Reason? in
        do throws(DPoPProofError) { _ = try await verifier.verify(proof, method: "POST", uri: target); return nil } catch { return error.reason }
    }
    guard again == .replayed || again == .replayCacheFull else { propertyFailed("accepted twice: \(text.debugDescription)") }
    return 0
}

@_cdecl("FuzzDPoPProof_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzDPoPProof)
}
