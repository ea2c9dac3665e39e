public import Crypto
import Foundation

/// Server-provided DPoP nonces (RFC 9449 §8, §9): a nonce is the HMAC-SHA-256 of the current
/// time window under a key, so every node holding the key (derived from the authorization
/// server's master key) issues and accepts the same nonces without sharing state. A nonce is
/// accepted during its window and the next one, so a client that just got one is not refused
/// at a window's edge. Written here because no listed library provides DPoP nonces.
public struct DPoPNonces: Sendable {
    let key: SymmetricKey
    /// How long each window lasts.
    public let window: Duration
    let timeSource: TimeSource

    public init(key: SymmetricKey, window: Duration = .seconds(120), timeSource: TimeSource = .system) {
        self.key = key
        self.window = window
        self.timeSource = timeSource
    }

    /// The nonce of the current window, for `DPoP-Nonce`.
    public func current() -> String { nonce(forWindow: currentWindow()) }

    /// Whether `nonce` (a proof's `nonce` claim, `nil` when it has none) is this window's or
    /// the previous one's.
    public func accepts(_ nonce: String?) -> Bool {
        guard let nonce else { return false }
        let now = currentWindow()
        return nonce == self.nonce(forWindow: now) || nonce == self.nonce(forWindow: now - 1)
    }

    private func currentWindow() -> Int64 {
        Int64((timeSource.now().timeIntervalSince1970 / window.timeInterval).rounded(.down))
    }

    private func nonce(forWindow window: Int64) -> String {
        let message = Array("warden dpop nonce \(window)".utf8)
        return Base64URL.encode(Array(HMAC<SHA256>.authenticationCode(for: message, using: key)))
    }
}
