import Foundation

extension VerifiedTokenCache {
    /// What a lookup answers: the remembered verification, the revocation list's generation it
    /// was last found unrevoked at, its key's last answer from the key source, and which key material
    /// it was verified with.
    ///
    /// A struct, not a tuple: the hit path passes it through generic standard-library calls
    /// (`withContiguousStorageIfAvailable`), where a tuple's type metadata was looked up at run
    /// time on every hit (issue 16: ~12 % of a hit in `perf`).
    struct Hit {
        let token: VerifiedAccessToken
        let revocationGeneration: UInt64
        let keyGeneration: UInt64?
        let keyUsableUntil: Date
        /// The fingerprint of the key the token was verified with.
        let keyFingerprint: UInt64
    }
}
