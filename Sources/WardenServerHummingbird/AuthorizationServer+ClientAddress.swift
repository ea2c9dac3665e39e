import HTTPTypes
import Hummingbird
import Logging
import WardenServer

extension AuthorizationServer {
    static let xForwardedFor = HTTPField.Name("X-Forwarded-For")!
    static let forwarded = HTTPField.Name("Forwarded")!

    /// The address of the client behind the request: the TCP peer, or — when the peer is a
    /// trusted proxy — the address the proxies forwarded (``TrustedProxies``). Used for
    /// throttling keys, stream limits and the audit.
    ///
    /// The first request that carries a forwarding header from a peer that is not a trusted
    /// proxy is logged once: behind a load balancer nobody named, every client shares the
    /// balancer's address, and so its throttling and stream limits. (Introspection asks for the
    /// address only when a lockout or a failed authentication needs it, so on a node that only
    /// introspects the notice waits for such a request; every other endpoint asks each time.)
    func clientAddress(_ request: Request, context: AuthorizationServerContext) -> String? {
        let peer = context.peerIP
        let proxies = configuration.trustedProxies
        if !untrustedForwardingNoticed.isSet, let peer, !proxies.isTrusted(peer),
            request.headers[Self.xForwardedFor] != nil || request.headers[Self.forwarded] != nil
        {
            untrustedForwardingNoticed.set()
            logger.warning(
                "a request carries a forwarding header from a peer that is not a trusted proxy; the header is ignored. Behind a load balancer, name it with --trusted-proxy, or every client shares its address for throttling and stream limits",
                metadata: ["peer": "\(peer)"]
            )
        }
        return proxies.clientAddress(peer: peer, headers: request.headers)
    }
}
