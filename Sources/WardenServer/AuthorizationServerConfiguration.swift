import Foundation
public import WardenCore

/// What the authorization server issues and how. A plain struct with defaulted values.
public struct AuthorizationServerConfiguration: Sendable {
    /// `iss` of every token, and the base of the metadata document's URLs (RFC 8414 §2).
    public var issuer: String
    /// Access-token lifetime unless the client has its own (architecture.md decision 7: 5 minutes).
    public var accessTokenLifetime: Duration = .seconds(300)
    /// How long a sign-in lasts: the absolute lifetime of a refresh-token family. Rotation hands
    /// the successor its predecessor's expiry, never a fresh one, so a stolen family cannot be
    /// kept alive for ever by refreshing (RFC 9700 §4.14.2: refresh tokens should expire).
    public var refreshTokenLifetime: Duration = .seconds(30 * 24 * 3600)
    /// How long after a refresh token was rotated the client may present it once more because
    /// the answer was lost (a node died, the connection broke) — as long as the token it was
    /// rotated into was never used. The unused successor is revoked and a new one issued; any
    /// other reuse revokes the family (RFC 9700 §4.14.2). Zero turns the allowance off.
    public var refreshTokenRetryWindow: Duration = .seconds(30)
    /// RFC 6749 §4.1.2 recommends at most 10 minutes; one is plenty.
    public var authorizationCodeLifetime: Duration = .seconds(60)
    /// `Cache-Control: max-age` of the JWKS.
    public var jwksMaxAge: Duration = .seconds(300)
    /// Larger request bodies are refused with `invalid_request`.
    public var maximumRequestBodySize: Int = 16 * 1024
    /// Entries per page of the revocation feed, at most.
    public var revocationPageLimit: Int = 1000
    /// How often the revocation stream looks for revocations made by other processes (the
    /// `warden` CLI); revocations made by this server are pushed at once.
    public var revocationStreamPollInterval: Duration = .milliseconds(500)
    /// A comment line is sent on an idle revocation stream this often, so proxies keep it open
    /// and a stream whose client is gone is noticed (the write fails) and its place given back.
    public var revocationStreamHeartbeat: Duration = .seconds(15)
    /// Open revocation streams, at most, in all (beyond: `503` with `Retry-After`). Each costs a
    /// connection and a little memory; the store is read once per poll for all of them.
    public var maximumRevocationStreams: Int = 1000
    /// Open revocation streams from one client address (IPv6: one /64), at most: a new one
    /// closes that address's oldest. A resource-server node needs one; behind a NAT, one each.
    public var maximumRevocationStreamsPerAddress: Int = 16
    /// How long clients and the scope list are cached: changes made by the `warden` CLI reach a
    /// running server within this time. Zero turns caching off.
    public var recordCacheLifetime: Duration = .seconds(1)
    /// How often introspection and token exchange read new entries of the revocation feed made by
    /// other processes (this server's own revocations count at once). Zero reads on every check.
    public var revocationSyncInterval: Duration = .milliseconds(500)
    /// How long audit rows (and alerts, by when last seen) are kept.
    public var auditRetention: Duration = .seconds(90 * 24 * 3600)
    /// Detection thresholds that differ from the defaults (``DetectionThreshold``, issue 14).
    public var detection: [AlertCenter.Kind: DetectionThreshold] = [:]
    /// Detection kinds never raised (`warden serve --detect KIND=off`).
    public var disabledDetection: Set<AlertCenter.Kind> = []
    /// One audit row per client-credentials token, instead of one per client, scope set and
    /// minute (``IssuanceAuditAggregator``, the default: machine issuance at full speed would
    /// otherwise fill the disk, issue 17).
    public var auditEveryClientCredentialsToken = false
    public var keys = KeyConfiguration()
    /// The proxies (load balancers) that may say who the client is; by default none, and the
    /// TCP peer is the client address that throttling and the audit use.
    public var trustedProxies: TrustedProxies = .none
    /// How DPoP proofs (RFC 9449) are checked at the token endpoint: accepted algorithms (also
    /// `dpop_signing_alg_values_supported`), the `iat` window, the replay cache.
    public var dpop = DPoPProofVerifierConfiguration()
    /// Require the server's nonce in DPoP proofs at the token endpoint (RFC 9449 §8): a proof
    /// without the current one gets `use_dpop_nonce` and a `DPoP-Nonce`. Off by default; each
    /// nonce lasts this long (and the next window). Nonces derive from the master key, so every
    /// node accepts every node's.
    public var dpopNonceWindow: Duration?

    public init(issuer: String) {
        self.issuer = issuer
    }

    /// The issuer without a trailing slash: the base of every endpoint URL (RFC 8414 §3).
    public var endpointBase: String {
        issuer.hasSuffix("/") ? String(issuer.dropLast()) : issuer
    }
}
