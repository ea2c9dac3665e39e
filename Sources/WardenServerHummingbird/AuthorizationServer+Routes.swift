import Foundation
import HTTPTypes
public import Hummingbird
import NIOCore
import Prometheus
import WardenCore
import WardenServer
import WardenHummingbird
import WardenOpenAPI

extension AuthorizationServer {
    /// The server's endpoints (paths as in docs/architecture.md; the metadata document lists them), with
    /// its own OpenAPI document at `/openapi.json` and `/docs`.
    public func router() async throws -> Router<AuthorizationServerContext> {
        let router = Router(context: AuthorizationServerContext.self)
        let documentation = OpenAPIRouteRegistry()
        // A span per request when tracing is on (issue 16): outermost, so it sees the status the
        // error middleware answers with.
        if let tracing = RequestTracingMiddleware<AuthorizationServerContext>(service: "authorization-server") { router.add(middleware: tracing) }
        router.add(middleware: ServerErrorMiddleware(metrics: metrics, outage: storageOutage))
        let maximumBody = configuration.maximumRequestBodySize

        router.get(".well-known/oauth-authorization-server") { _, _ in
            Response.json(try await metadata(), noStore: false, headers: [.cacheControl: "public, max-age=300"])
        }
        router.get("oauth2/jwks") { _, _ in
            let keys = try await keys.publishedKeys()
            let maxAge = Int(configuration.jwksMaxAge.timeInterval)
            return Response(
                status: .ok,
                headers: [.contentType: "application/jwk-set+json", .cacheControl: "public, max-age=\(maxAge)"],
                body: .init(byteBuffer: ByteBuffer(bytes: JSONWebKeySet.document(for: keys)))
            )
        }
        // The form endpoints, the sign-in pages, the revocation page and /health get one
        // query_timeout for all their statements (StorageRequestBudget).
        router.post("oauth2/token") { request, context in try await StorageRequestBudget.run {
            let form = try await OAuthFormRequest.read(request, maximumSize: maximumBody, repeatable: ["audience", "resource"])
            let tokenRequest = try TokenRequest(
                parameters: form.form.values,
                audiences: form.form.all("audience"),
                resources: form.form.all("resource"),
                client: form.client,
                remoteAddress: clientAddress(request, context: context),
                dpopProofs: request.headers[values: HTTPField.Name("DPoP")!]
            )
            return Response.json(try await tokens.handle(tokenRequest).json)
        } }
        router.post("oauth2/introspect") { request, context in try await StorageRequestBudget.run {
            let form = try await OAuthFormRequest.read(request, maximumSize: maximumBody)
            guard let token = form.form["token"] else { throw OAuthError.invalidRequest("token is required.") }
            return Response.json(bytes: try await introspection.introspect(token: token, credentials: form.client, remoteAddress: clientAddress(request, context: context)))
        } }
        router.post("oauth2/signing-keys") { request, context in try await StorageRequestBudget.run {
            let form = try await OAuthFormRequest.read(request, maximumSize: maximumBody)
            guard let keyID = form.form["key_id"] else { throw OAuthError.invalidRequest("key_id is required.") }
            guard let answer = try await clientSigningKeys.lookUp(keyID: keyID, credentials: form.client, remoteAddress: clientAddress(request, context: context)) else {
                return Response.json(.object(["error": "not_found", "error_description": "No signing key with this id for this client."]), status: .notFound, noStore: true)
            }
            // An HMAC secret may be in it: never cached (RFC 6749 §5.1's rule for secrets).
            return Response.json(bytes: answer)
        } }
        router.post("oauth2/security-events") { request, context in try await StorageRequestBudget.run {
            guard let contentType = request.headers[.contentType]?.lowercased(), contentType == "application/json" || contentType.hasPrefix("application/json;") else {
                throw OAuthError.invalidRequest("The body must be application/json.")
            }
            if let query = request.uri.query, !query.isEmpty { throw OAuthError.invalidRequest("Parameters belong in the body, not the query.") }
            // Who is reporting, before the body is read.
            let credentials = try OAuthFormRequest.clientCredentials(headers: request.headers, form: try URLEncodedFormParameters(parsing: ""))
            let caller = try await securityEvents.authenticate(credentials, remoteAddress: clientAddress(request, context: context))
            var request = request
            let body: ByteBuffer
            do { body = try await request.collectBody(upTo: 1 << 20) } catch {
                throw OAuthError.invalidRequest("The request body is too large.")
            }
            let accepted = try await securityEvents.receive(Array(body.readableBytesView), from: caller)
            return Response.json(.object(["accepted": .number(Double(accepted))]), status: .accepted)
        } }
        router.post("oauth2/revoke") { request, context in try await StorageRequestBudget.run {
            let form = try await OAuthFormRequest.read(request, maximumSize: maximumBody)
            guard let token = form.form["token"] else { throw OAuthError.invalidRequest("token is required.") }
            try await revocation.revoke(token: token, tokenTypeHint: form.form["token_type_hint"], credentials: form.client, remoteAddress: clientAddress(request, context: context))
            // RFC 7009 §2.2: 200 with an empty body.
            return Response(status: .ok, headers: [.cacheControl: "no-store"])
        } }
        router.get("oauth2/authorize") { request, context in
            try await StorageRequestBudget.run { try await authorizePage(request, context: context) }
        }
        router.post("oauth2/authorize") { request, context in
            try await StorageRequestBudget.run { try await authorizeSubmit(request, context: context) }
        }
        router.get("oauth2/revocations") { request, context in
            if request.headers[.accept]?.lowercased().contains("text/event-stream") == true {
                return try revocationStream(request, clientAddress: clientAddress(request, context: context))
            }
            return try await StorageRequestBudget.run { try await revocationPage(request) }
        }
        for described in AuthorizationServerAPIDescription.operations(servesMetrics: prometheus != nil) {
            documentation.addPublic(method: described.method, path: RouterPath(described.path), operation: described.operation)
        }
        let base = configuration.endpointBase
        var openAPI = OpenAPIDocumentBuilder(title: "Warden authorization server", scopes: try await store.scopes().map { ($0.scope, $0.description) })
        openAPI.description = "OAuth 2 authorization server: RFC 6749 grants with PKCE, RFC 8693 token exchange, RFC 7662 introspection, RFC 7009 revocation, RFC 8414 metadata, RFC 9068 JWT access tokens."
        openAPI.clientCredentialsTokenURL = base + "/oauth2/token"
        openAPI.passwordTokenURL = base + "/oauth2/token"
        openAPI.authorizationCodeURLs = (base + "/oauth2/authorize", base + "/oauth2/token")
        router.addOpenAPIRoutes(builder: openAPI, registry: documentation)
        if let prometheus {
            router.get("metrics") { _, _ in
                var bytes: [UInt8] = []
                prometheus.emit(into: &bytes)
                return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
            }
        }
        router.get("health") { _, _ in
            try await health()
        }
        var methodsByPath = documentation.methodsByPath
        methodsByPath["/docs"] = [.get]
        // RFC 9110 §9.3.2: a general-purpose server supports HEAD wherever it supports GET. The
        // GET routes' own responder answers, and the body is dropped.
        let getRoutes = router.buildResponder()
        for (path, methods) in methodsByPath where methods.contains(.get) {
            router.head(RouterPath(path)) { request, context in
                var head = request.head
                head.method = .get
                let response = try await getRoutes.respond(to: Request(head: head, body: request.body), context: context)
                return Response(status: response.status, headers: response.headers)
            }
        }
        router.add(middleware: AllowedMethodsMiddleware(methodsByPath: methodsByPath))
        return router
    }

    /// `GET /oauth2/revocations?after=CURSOR&limit=N`: revoked `jti`s (and client entries) in feed order.
    func revocationPage(_ request: Request) async throws -> Response {
        let query = request.uri.queryParameters
        var after: Int64 = 0
        if let value = query["after"] {
            guard let cursor = Int64(String(value)), cursor >= 0 else { throw OAuthError.invalidRequest("after must be a non-negative integer cursor.") }
            after = cursor
        }
        var limit = configuration.revocationPageLimit
        if let value = query["limit"] {
            guard let requested = Int(String(value)), requested > 0 else { throw OAuthError.invalidRequest("limit must be a positive integer.") }
            limit = min(requested, limit)
        }
        let entries = try await store.revocations(after: after, limit: limit)
        let items = entries.map { $0.feedJSON(withCursor: true) }
        let next = entries.last?.cursor ?? after
        return Response.json(.object(["revocations": .array(items), "next": .number(Double(next))]), noStore: true)
    }

    /// `GET /health`: what works, from this node's point of view. 200 when the database answers
    /// and a key can sign; else 503 with `Retry-After`, and the body says what is down (the
    /// JWKS and metadata are served from memory meanwhile). Never the database's address or error.
    func health() async throws -> Response {
        let database: String
        do {
            // A second at most: health probes (Kubernetes: 1 s by default) must see the answer.
            _ = try await StorageRequestBudget.run(limit: .seconds(1)) { try await store.setting("schema_version", defaultingTo: "1") }
            database = "ok"
        } catch let error as StoreError {
            storageOutage.failed(error, logger: logger)
            database = "unavailable"
        }
        let signing = keys.canSignNow() ? "ok" : "no active key"
        let healthy = database == "ok" && signing == "ok"
        return Response.json(
            .object(["status": .string(healthy ? "ok" : "unavailable"), "database": .string(database), "signing_keys": .string(signing)]),
            status: healthy ? .ok : .serviceUnavailable,
            noStore: true,
            headers: healthy ? [:] : [.retryAfter: "5"]
        )
    }

    /// RFC 8414 §2 metadata: every endpoint and capability the server has.
    func metadata() async throws -> JSONValue {
        let base = configuration.endpointBase
        // From memory (reread in the background): a node cut off from its database still
        // describes itself (RFC 8414 §3) at once.
        let scopes = try await scopeNames.value().map { JSONValue.string($0) }
        let authMethods: JSONValue = .array(["client_secret_basic", "client_secret_post"])
        return .object([
            "issuer": .string(configuration.issuer),
            "token_endpoint": .string(base + "/oauth2/token"),
            "jwks_uri": .string(base + "/oauth2/jwks"),
            "introspection_endpoint": .string(base + "/oauth2/introspect"),
            "revocation_endpoint": .string(base + "/oauth2/revoke"),
            "authorization_endpoint": .string(base + "/oauth2/authorize"),
            "grant_types_supported": .array(GrantType.supported.map { .string($0.rawValue) }),
            "code_challenge_methods_supported": .array(["S256"]),
            "authorization_response_iss_parameter_supported": .bool(true),
            "token_endpoint_auth_methods_supported": .array(["client_secret_basic", "client_secret_post", "none"]),
            // RFC 9449 §5.1: the algorithms its token endpoint accepts in DPoP proofs.
            "dpop_signing_alg_values_supported": .array(configuration.dpop.acceptedAlgorithms.map { .string($0.jwsName) }),
            "introspection_endpoint_auth_methods_supported": authMethods,
            "revocation_endpoint_auth_methods_supported": .array(["client_secret_basic", "client_secret_post", "none"]),
            "scopes_supported": .array(scopes),
            "response_types_supported": .array(["code"]),
            "revocation_feed_endpoint": .string(base + "/oauth2/revocations"),
        ])
    }
}
