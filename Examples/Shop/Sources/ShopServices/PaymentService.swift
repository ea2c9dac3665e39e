import Foundation
public import Hummingbird
public import Logging
import WardenClient
public import WardenCore
import WardenExecutor
import WardenHummingbird

/// Settings of the payment service.
public struct PaymentServiceConfiguration: Sendable {
    public var host = "127.0.0.1"
    public var port = 8082
    /// The authorization server it trusts.
    public var issuer: String
    /// `aud` its tokens must carry.
    public var audience = "payment-service"
    /// Services allowed to create payments for a user: the token's `act` chain must name one.
    public var allowedActors: Set<String> = ["order-service"]
    /// The URL its callers use (a DPoP proof's `htu` and a signature's `@target-uri` are
    /// compared with it); behind a proxy, the public one. `nil`: `http://host:port`.
    public var externalURL: String?
    /// Its own confidential client at the authorization server (id `payment-service`, which the
    /// order service's client names among its audiences): it asks there for the keys its callers
    /// sign requests with (RFC 9421).
    public var clientID = "payment-service"
    public var clientSecret: String

    public init(issuer: String, clientSecret: String) {
        self.issuer = issuer
        self.clientSecret = clientSecret
    }
}

/// The payment service: `POST /payments` needs `payment.create`, a token for `payment-service`,
/// and an `act` chain naming a service allowed to create payments; it records who acted for whom.
/// It takes DPoP-bound tokens only (RFC 9449): a token without its key's proof is refused. And
/// signed requests only (RFC 9421): covering `@method`, `@target-uri`, `content-digest` and
/// `authorization`, created within 60 s, never seen before, by a key the authorization server
/// has registered for the token's client — a changed amount is refused.
public func buildPaymentService(
    configuration: PaymentServiceConfiguration,
    ledger: PaymentLedger = PaymentLedger(),
    logger: Logger = Logger(label: "payment-service")
) -> some ApplicationProtocol {
    let auth = AuthorizationServerConnection(issuer: configuration.issuer, logger: logger)
    var accepting = BearerAuthenticatorConfiguration(realm: "payments")
    let externalURL = configuration.externalURL ?? "http://\(configuration.host):\(configuration.port)"
    // Bound tokens only, on every route: a token without its key's proof is worth nothing here.
    accepting.dpop = DPoPAcceptance(externalBaseURL: externalURL).requiringProofOfPossession()
    // Signed requests only: the default policy's 60 s window and replay memory; the keys as
    // registered at the authorization server, and the signer must be the token's client.
    let signatures = HTTPSignatureRequirement(
        verifier: HTTPSignatureVerifier(
            policy: .methodTargetDigestAndAuthorization,
            keys: auth.signatureKeys(clientID: configuration.clientID, clientSecret: configuration.clientSecret)
        ),
        externalBaseURL: externalURL, realm: "payments"
    ).requiringTokenClientAsSigner()
    // What it refuses goes to the authorization server, which raises alerts on patterns (issue 14).
    let refusals = auth.securityEvents(identity: ClientIdentity(clientID: configuration.clientID, clientSecret: configuration.clientSecret, tokenEndpoint: auth.tokenEndpoint))
    accepting.refusals = refusals
    let authenticator = BearerAuthenticator(verifier: auth.verifier(audience: configuration.audience, refusals: refusals), configuration: accepting, context: ShopContext.self)
    let router = Router(context: ShopContext.self)
    // A span per request when tracing is on (issue 16); before every route.
    if let tracing = RequestTracingMiddleware<ShopContext>(service: "payment-service") { router.add(middleware: tracing) }

    struct NewPayment: Decodable { let order_id: String; let amount: Int }
    struct Receipt: ResponseEncodable { let id: String; let status: String }

    router.protected("payments", by: authenticator, requiring: .allOf(.paymentCreate)).requiringSignature(signatures).post { request, context, auth in
        // Only a service allowed to take payments may act for the user (RFC 8693 §4.1).
        // RFC 8693 §4.1: the outermost `act` is the current actor; the nested ones acted before
        // it and are history. Only the current actor is the caller.
        let actors = auth.token.actor?.chain ?? []
        guard let current = actors.first, configuration.allowedActors.contains(current) else {
            throw ShopProblem(status: .forbidden, error: "access_denied", errorDescription: "No service allowed to create payments acted for this user.")
        }
        guard let input = try? await request.decode(as: NewPayment.self, context: context), input.amount > 0, !input.order_id.isEmpty else {
            throw ShopProblem.badRequest("Expected {\"order_id\": String, \"amount\": positive Int}.")
        }
        let payment = Payment(
            id: UUID().uuidString, orderID: input.order_id, amount: input.amount, subject: auth.subject, actors: actors,
            tokenID: auth.token.tokenID, audience: auth.token.claims.audience, scope: auth.grantedScopes.description,
            keyThumbprint: auth.token.keyThumbprint, status: "captured"
        )
        ledger.append(payment)
        logger.info("payment captured", metadata: ["sub": "\(payment.subject)", "act": "\(actors.joined(separator: ","))", "jti": "\(payment.tokenID)"])
        return EditedResponse(status: .created, response: Receipt(id: payment.id, status: payment.status))
    }
    return Application(
        router: router,
        server: .http1(configuration: .init(additionalChannelHandlers: [FlushConsolidationHandler()])),
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "payment-service"),
        services: auth.services + [refusals],
        logger: logger
    )
}
