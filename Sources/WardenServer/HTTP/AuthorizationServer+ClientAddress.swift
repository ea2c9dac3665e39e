import Hummingbird

extension AuthorizationServer {
    /// The address of the client behind the request: the TCP peer, or — when the peer is a
    /// trusted proxy — the address the proxies forwarded (``TrustedProxies``). Used for
    /// throttling keys, stream limits and the audit.
    func clientAddress(_ request: Request, context: AuthorizationServerContext) -> String? {
        configuration.trustedProxies.clientAddress(peer: context.peerIP, headers: request.headers)
    }
}
