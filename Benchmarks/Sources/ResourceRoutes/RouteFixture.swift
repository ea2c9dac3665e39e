import Hummingbird
import Logging
import NIOCore
import NIOEmbedded
import WardenCore
import WardenHummingbird
import WardenTesting

/// The router with ``CoreRoutes``, a request context as the server makes one, and a token.
/// `@unchecked`: `EmbeddedChannel` is not `Sendable`; the benchmarks use it one at a time, and
/// only as the context's channel (nothing is written to it).
public struct RouteFixture: @unchecked Sendable {
    public let responder: RouterResponder<BearerRequestContext>
    let channel: EmbeddedChannel
    public let token: String
    let logger: Logger

    /// Made once, for every benchmark of the run.
    public static let shared = Task { try await RouteFixture() }

    public init() async throws {
        let issuer = await TestTokenIssuer(issuer: "https://auth.example.com", audience: "orders")
        token = try issuer.token(subject: "alice", scope: ["orders.read"], lifetime: .seconds(3600))
        var configuration = BearerAuthenticatorConfiguration(realm: "bench")
        configuration.dpop = nil
        let router = Router(context: BearerRequestContext.self)
        CoreRoutes.add(to: router, verifier: issuer.verifier(), configuration: configuration)
        responder = router.buildResponder()
        channel = EmbeddedChannel()
        var logger = Logger(label: "bench")
        logger.logLevel = .warning
        self.logger = logger
    }

    /// A GET of `path` carrying the token, as every route of run.sh receives it.
    public func request(path: String) -> Request {
        var fields = HTTPFields()
        fields[.authorization] = "Bearer " + token
        return Request(head: HTTPRequest(method: .get, scheme: nil, authority: "127.0.0.1", path: path, headerFields: fields), body: .init(buffer: ByteBuffer()))
    }

    public func context() -> BearerRequestContext {
        BearerRequestContext(source: ApplicationRequestContextSource(channel: channel, logger: logger))
    }

    /// `count` requests to `path`, each answered 200.
    public func serve(path: String, count: Int) async throws {
        let request = request(path: path)
        for _ in 0..<count {
            let response = try await responder.respond(to: request, context: context())
            precondition(response.status == .ok, "\(path) answered \(response.status)")
        }
    }
}
