/// A DPoP proof taken apart, with its header (`typ`, `alg`, the public key and its thumbprint)
/// as an earlier proof under the same header decided it: all the rest of its check runs without
/// suspending (``DPoPProofVerifier/decidedWithoutSuspending(_:)``).
struct DecidedDPoPProof {
    let parsed: ParsedDPoPProof
    let header: DPoPHeaderCache.Entry
}
