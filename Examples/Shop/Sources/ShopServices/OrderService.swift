public import AsyncHTTPClient
import Foundation
public import Hummingbird
public import Logging
import NIOCore
import NIOHTTP1
public import WardenClient
public import WardenCore
import WardenExecutor
import WardenHummingbird

/// Settings of the order service.
public struct OrderServiceConfiguration: Sendable {
    public var host = "127.0.0.1"
    public var port = 8081
    /// The authorization server it trusts and gets exchanged tokens from.
    public var issuer: String
    /// `aud` its tokens must carry; also its client id.
    public var audience = "order-service"
    /// Its client secret at the authorization server.
    public var clientSecret: String
    /// Where the payment service is.
    public var paymentServiceURL: String
    /// The key its tokens for the payment service are bound to (DPoP, RFC 9449): it signs a proof
    /// for every exchange and every call, and a token copied from the way is worth nothing.
    public var dpopKey: DPoPProofSigner
    /// The URL its callers use (a DPoP proof's `htu` is compared with it); behind a proxy, the
    /// public one. `nil`: `http://host:port`.
    public var externalURL: String?
    /// The key it signs its calls to the payment service with (RFC 9421; `hmac-sha256` under
    /// the key id `order-service`, shared with the payment service, as the seed does).
    public var signingKey: HTTPSignatureKey

    public init(issuer: String, clientSecret: String, paymentServiceURL: String, dpopKey: DPoPProofSigner, signingKey: HTTPSignatureKey) {
        self.issuer = issuer
        self.clientSecret = clientSecret
        self.paymentServiceURL = paymentServiceURL
        self.dpopKey = dpopKey
        self.signingKey = signingKey
    }
}

/// The order service: `POST /orders` (needs `order.write`) charges the order at the payment
/// service with alice's token exchanged for one meant for the payment service (scope
/// `payment.create`, `act` = order-service); `GET /orders/{id}` (needs `order.read`) shows an
/// order to its owner only. It takes bearer tokens and DPoP-bound ones (`Authorization: DPoP`
/// with a proof; a bound token sent as `Bearer` is refused), and its own tokens for the payment
/// service are bound to its key.
public func buildOrderService(
    configuration: OrderServiceConfiguration,
    orders: OrderBook = OrderBook(),
    httpClient: HTTPClient = .shared,
    logger: Logger = Logger(label: "order-service")
) -> (application: some ApplicationProtocol, client: AuthorizedHTTPClient) {
    let auth = AuthorizationServerConnection(issuer: configuration.issuer, httpClient: httpClient, logger: logger)
    var accepting = BearerAuthenticatorConfiguration(realm: "orders")
    accepting.dpop = DPoPAcceptance(externalBaseURL: configuration.externalURL ?? "http://\(configuration.host):\(configuration.port)")
    let identity = ClientIdentity(clientID: configuration.audience, clientSecret: configuration.clientSecret, tokenEndpoint: auth.tokenEndpoint)
    // What it refuses goes to the authorization server, which raises alerts on patterns (issue 14).
    let refusals = auth.securityEvents(identity: identity)
    accepting.refusals = refusals
    let authenticator = BearerAuthenticator(verifier: auth.verifier(audience: configuration.audience, refusals: refusals), configuration: accepting, context: ShopContext.self)
    let client = AuthorizedHTTPClient(
        identity: identity,
        targets: ["payments": ServiceTarget(
            baseURL: configuration.paymentServiceURL, audience: "payment-service", scopes: [.paymentCreate], tokenSource: .exchangingIncomingToken,
            // Signed: the method, the URL and the body (Content-Digest); the client adds its Authorization and DPoP headers.
            signer: HTTPRequestSigner(key: configuration.signingKey, covering: [SignatureComponent("@method"), SignatureComponent("@target-uri"), SignatureComponent("content-digest")])
        )],
        httpClient: httpClient,
        dpopKey: configuration.dpopKey,
        logger: logger
    )
    let router = Router(context: ShopContext.self)
    // A span per request when tracing is on (issue 16); before every route.
    if let tracing = RequestTracingMiddleware<ShopContext>(service: "order-service") { router.add(middleware: tracing) }
    let routes = router.protected("orders", by: authenticator)

    struct NewOrder: Decodable { let item: String; let amount: Int }

    routes.post(requiring: .allOf(.orderWrite)) { request, context, auth in
        guard let input = try? await request.decode(as: NewOrder.self, context: context), input.amount > 0,
            !input.item.isEmpty, input.item.count <= 200
        else {
            throw ShopProblem.badRequest("Expected {\"item\": String, \"amount\": positive Int (cents)}.")
        }
        let id = UUID().uuidString
        let receipt = try await charge(orderID: id, amount: input.amount, client: client, logger: logger)
        let order = Order(id: id, item: input.item, amount: input.amount, owner: auth.subject, payment: receipt)
        orders.add(order)
        return EditedResponse(status: .created, response: order)
    }
    routes.get("{id}", requiring: .allOf(.orderRead)) { _, context, auth in
        // Someone else's order is as good as none.
        guard let id = context.parameters.get("id"), let order = orders.order(id: id), order.owner == auth.subject else {
            throw ShopProblem.notFound
        }
        return order
    }
    return (
        Application(
            router: router,
            server: .http1(configuration: .init(additionalChannelHandlers: [FlushConsolidationHandler()])),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "order-service"),
            services: auth.services + [refusals],
            logger: logger
        ),
        client
    )
}

/// Charges an order at the payment service, on behalf of the user whose request this is.
private func charge(orderID: String, amount: Int, client: AuthorizedHTTPClient, logger: Logger) async throws -> Order.Payment {
    var request = HTTPClientRequest(url: "/payments")
    request.method = .POST
    request.headers.add(name: "Content-Type", value: "application/json")
    struct PaymentRequest: Encodable { let order_id: String; let amount: Int }
    let body = Array(try JSONEncoder().encode(PaymentRequest(order_id: orderID, amount: amount)))
    let response: CollectedResponse
    do {
        // The whole answer (token, head and body) within the client's timeout; the body given as
        // bytes, for its Content-Digest and signature.
        response = try await client.collect(request, body: body, to: "payments", upTo: 64 * 1024)
    } catch let error as AuthorizedHTTPClientError {
        switch error.code {
        case .tokenRefused where error.oauthError?.code == "invalid_scope":
            throw ShopProblem(status: .forbidden, error: "insufficient_scope", errorDescription: "Paying needs the payment.create scope.")
        case .tokenRefused:
            throw ShopProblem(status: .unauthorized, error: "invalid_token", errorDescription: "The access token can no longer be used.")
        case .targetAnswerIncomplete:
            throw ShopProblem(status: .gatewayTimeout, error: "temporarily_unavailable", errorDescription: "The payment service did not answer in time.")
        default:
            throw ShopProblem(status: .serviceUnavailable, error: "temporarily_unavailable", errorDescription: "Payments cannot be authorized right now; try again shortly.")
        }
    } catch {
        throw ShopProblem(status: .serviceUnavailable, error: "temporarily_unavailable", errorDescription: "The payment service cannot be reached.")
    }
    guard response.status == .created, let receipt = try? JSONDecoder().decode(Order.Payment.self, from: Data(response.body.readableBytesView)) else {
        logger.warning("payment failed", metadata: ["status": "\(response.status.code)"])
        throw ShopProblem(status: .badGateway, error: "payment_failed", errorDescription: "The payment service refused the payment (\(response.status.code)).")
    }
    return receipt
}
