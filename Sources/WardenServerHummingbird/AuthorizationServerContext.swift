public import Hummingbird
public import NIOCore
import WardenServer

/// The request context of the authorization server: Hummingbird's, plus the peer address for
/// brute-force counting.
public struct AuthorizationServerContext: RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
    }

    /// The TCP peer's IP address as text (no port). The client's address is
    /// ``AuthorizationServer/clientAddress(_:context:)``, which trusts forwarding headers from
    /// configured proxies only.
    var peerIP: String? { remoteAddress?.ipAddress }
}
