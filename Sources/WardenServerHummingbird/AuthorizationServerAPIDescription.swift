import HTTPTypes
import OpenAPIKit
import WardenServer

/// The authorization server's operations as OpenAPI 3.1 describes them: every status each one
/// answers, with the RFC 6749 §5.2 error schema; form bodies with their fields and enums; query
/// parameters. `schemathesis` checks the running server against this (`.ci/run`), so a change of
/// behaviour that is not described here fails CI.
enum AuthorizationServerAPIDescription {
    struct Described {
        let method: HTTPRequest.Method
        let path: String
        let operation: OpenAPI.Operation
    }

    // MARK: Schemas

    /// RFC 6749 §5.2 (and RFC 6750 §3 for resource servers).
    static let errorSchema = JSONSchema.object(
        title: "OAuthError",
        properties: [
            "error": .string(description: "RFC 6749 §5.2 error code"),
            "error_description": .string(required: false),
        ]
    )

    static let tokenSchema = JSONSchema.object(
        title: "TokenResponse",
        properties: [
            "access_token": .string,
            "token_type": .string(allowedValues: "Bearer"),
            "expires_in": .integer(minimum: (0, exclusive: false)),
            "scope": .string,
            "refresh_token": .string(required: false),
            "issued_token_type": .string(required: false),
        ]
    )

    static let introspectionSchema = JSONSchema.object(
        title: "IntrospectionResponse",
        description: "RFC 7662 §2.2: `active` only for tokens meant for (or issued to) the caller.",
        properties: [
            "active": .boolean,
            "scope": .string(required: false),
            "client_id": .string(required: false),
            "sub": .string(required: false),
            "aud": .one(of: .string, .array(items: .string), required: false),
            "iss": .string(required: false),
            "exp": .integer(required: false),
            "iat": .integer(required: false),
            "jti": .string(required: false),
            "token_type": .string(required: false),
            "act": .object(required: false),
        ]
    )

    static let signingKeySchema = JSONSchema.object(
        title: "ClientSigningKey",
        description: "A client's request-signing key: a public JWK, or for hmac-sha256 the secret as an oct JWK (RFC 7518 §6.4).",
        properties: [
            "key_id": .string,
            "client_id": .string,
            "algorithm": .string(allowedValues: "hmac-sha256", "ed25519", "ecdsa-p256-sha256", "rsa-pss-sha512"),
            "jwk": .object,
        ]
    )

    /// RFC 6749 §3.1: unrecognized parameters are ignored — but, as every parameter, sent once
    /// (a repeated one is `invalid_request`), so they are single strings here.
    static let ignoredParameters: Either<Bool, JSONSchema> = .b(.string)

    /// An optional form field of the OAuth endpoints: any string. No length is declared: a field a
    /// grant does not use is ignored whatever its length, and what a grant uses is judged by the
    /// grant (`invalid_grant`, `invalid_client`); the whole body is at most 16 KiB.
    static func field(_ description: String) -> JSONSchema {
        .string(required: false, description: description)
    }

    /// A field of the sign-in forms, at most `maximumLength` bytes.
    static func pageField(_ description: String, maximumLength: Int) -> JSONSchema {
        .string(required: false, description: description, maxLength: maximumLength)
    }

    static let tokenRequestSchema = JSONSchema.object(
        title: "TokenRequest",
        description: """
            RFC 6749 §4 and RFC 8693 §2.1. Which fields a grant needs: client_credentials — none \
            (scope, audience, resource optional); password — username, password; \
            authorization_code — code, redirect_uri, code_verifier; refresh_token — refresh_token; \
            token exchange — subject_token, subject_token_type. The client authenticates with HTTP \
            Basic or client_id + client_secret here (public clients: client_id only). Every \
            parameter at most once (audience and resource may repeat).
            """,
        properties: [
            "grant_type": .string(allowedValues: GrantType.supported.map { .init($0.rawValue) }),
            "client_id": field("The client, unless it authenticates with HTTP Basic"),
            "client_secret": field("client_secret_post authentication"),
            "scope": field("Space-separated scopes (RFC 6749 §3.3)"),
            "audience": field("RFC 8693 audience"),
            "resource": field("RFC 8707 resource"),
            "username": field("password grant"),
            "password": field("password grant"),
            "code": field("authorization_code grant"),
            "redirect_uri": field("authorization_code grant"),
            "code_verifier": field("authorization_code grant (PKCE, RFC 7636 §4.1)"),
            "refresh_token": field("refresh_token grant"),
            "subject_token": field("token exchange"),
            "subject_token_type": field("token exchange"),
            "requested_token_type": field("token exchange"),
        ],
        additionalProperties: ignoredParameters
    )

    /// The form of introspection (RFC 7662 §2.1) or revocation (RFC 7009 §2.1). Revocation
    /// refuses a hint it does not know (`unsupported_token_type`, RFC 7009 §2.2.1); introspection
    /// ignores it and searches every token type (RFC 7662 §2.1).
    static func tokenFormSchema(hintsAreChecked: Bool) -> JSONSchema {
        .object(
            properties: [
                "token": .string(description: "The token (anything: an invalid one is inactive, or revoked as a no-op)"),
                "token_type_hint": hintsAreChecked
                    ? .string(required: false, allowedValues: "access_token", "refresh_token")
                    : .string(required: false, description: "access_token or refresh_token; anything else is ignored"),
                "client_id": field("The client, unless it authenticates with HTTP Basic"),
                "client_secret": field("client_secret_post authentication"),
            ],
            additionalProperties: ignoredParameters
        )
    }

    // MARK: Pieces

    /// One payload (`WardenClient.SecurityEventReporter`): any JSON value is taken — one that is
    /// not the caller's access-refused event is skipped, not refused, so one bad payload does
    /// not lose a service's batch (schemathesis holds the document to that).
    static let securityEventSchema = JSONSchema.fragment(description: """
        An RFC 8417 SET payload: iss (the reporting service's client id), iat, jti, and events keyed by <issuer>/events/access-refused         holding kind (invalid_token | insufficient_scope), reason, route, scopes_required, scopes_held, sub, client_id, token_jti.         Anything else is skipped (not counted in accepted).
        """)

    static func json(_ schema: JSONSchema) -> OpenAPI.Content.Map { [.json: .b(OpenAPI.Content(schema: schema))] }
    static let html: OpenAPI.Content.Map = [.html: .b(OpenAPI.Content(schema: JSONSchema.string))]
    static func form(_ schema: JSONSchema) -> OpenAPI.Request { .init(content: [.form: .b(OpenAPI.Content(schema: schema))], required: true) }

    static func error(_ description: String) -> Either<OpenAPI.Reference<OpenAPI.Response>, OpenAPI.Response> {
        .response(description: description, content: json(errorSchema))
    }
    /// RFC 6749 §5.2: `invalid_client` is 401 with a challenge for the scheme the client used.
    static let invalidClient = Either<OpenAPI.Reference<OpenAPI.Response>, OpenAPI.Response>.response(
        description: "invalid_client (RFC 6749 §5.2), with a Basic challenge",
        headers: ["WWW-Authenticate": .b(.init(schemaOrContent: .a(.header(.string)), required: true))],
        content: json(errorSchema)
    )
    static let unavailable = Either<OpenAPI.Reference<OpenAPI.Response>, OpenAPI.Response>.response(
        description: "temporarily_unavailable: the server cannot reach its storage (answered within one query_timeout)",
        headers: ["Retry-After": .b(.init(schemaOrContent: .a(.header(.integer)), description: "Seconds to wait before trying again", required: false))],
        content: json(errorSchema)
    )
    /// `/health`'s answer, up or not.
    static let healthSchema = JSONSchema.object(properties: [
        "status": .string(allowedValues: "ok", "unavailable"),
        "database": .string(description: "ok, or unavailable"),
        "signing_keys": .string(description: "ok, or no active key"),
    ])

    static let retryAfterIfSent: OpenAPI.Header.Map = [
        "Retry-After": .b(.init(schemaOrContent: .a(.header(.integer)), description: "Seconds to wait, when the server is at its stream limit", required: false))
    ]

    /// An OAuth endpoint taking a form (token, introspection, revocation): its success, its
    /// 400 errors, `invalid_client`, storage unreachable.
    static func oauthForm(
        summary: String,
        body: JSONSchema,
        success: Either<OpenAPI.Reference<OpenAPI.Response>, OpenAPI.Response>,
        badRequest: String
    ) -> OpenAPI.Operation {
        OpenAPI.Operation(
            summary: summary,
            requestBody: form(body),
            responses: [200: success, 400: error(badRequest), 401: invalidClient, 503: unavailable]
        )
    }

    static func query(_ name: String, _ schema: JSONSchema, _ description: String) -> Either<OpenAPI.Reference<OpenAPI.Parameter>, OpenAPI.Parameter> {
        .b(.query(name: name, schemaOrContent: .a(.init(schema, style: .form)), description: description))
    }

    // MARK: Operations

    static func operations(servesMetrics: Bool) -> [Described] {
        var described = [
            Described(method: .get, path: "/.well-known/oauth-authorization-server", operation: .init(
                summary: "Authorization server metadata (RFC 8414)",
                responses: [200: .response(description: "RFC 8414 §2 metadata", content: json(.object)), 503: unavailable]
            )),
            Described(method: .get, path: "/oauth2/jwks", operation: .init(
                summary: "Public signing keys (RFC 7517)",
                responses: [
                    200: .response(description: "Every key that may still verify a live token", content: [
                        .other("application/jwk-set+json"): .b(OpenAPI.Content(schema: .object(properties: ["keys": .array(items: .object)])))
                    ]),
                    503: unavailable,
                ]
            )),
            Described(method: .post, path: "/oauth2/token", operation: oauthForm(
                summary: "Token endpoint: client_credentials, password, authorization_code (PKCE S256), refresh_token, token exchange (RFC 6749 §3.2, RFC 8693)",
                body: tokenRequestSchema,
                success: .response(description: "RFC 6749 §5.1", content: json(tokenSchema)),
                badRequest: "invalid_request, invalid_grant, invalid_scope, invalid_target, unauthorized_client, unsupported_grant_type (RFC 6749 §5.2): also a malformed, oversized (16 KiB), duplicated-parameter, query-string or wrong-content-type request"
            )),
            Described(method: .get, path: "/oauth2/authorize", operation: .init(
                summary: "Authorization endpoint: login page (RFC 6749 §4.1.1)",
                parameters: [
                    query("response_type", .string(allowedValues: "code"), "Only code"),
                    query("client_id", .string(maxLength: 256), "The client"),
                    query("redirect_uri", .string(maxLength: 2048), "A redirect URI registered for the client, exactly"),
                    query("scope", .string(maxLength: 2048), "Space-separated scopes"),
                    query("state", .string(maxLength: 2048), "Returned to the client unchanged"),
                    query("code_challenge", .string(maxLength: 128), "PKCE S256 challenge (RFC 7636 §4.2)"),
                    query("code_challenge_method", .string(allowedValues: "S256"), "Only S256"),
                    query("audience", .string(maxLength: 512), "A target the client may ask for"),
                    query("resource", .string(maxLength: 512), "A target the client may ask for (RFC 8707)"),
                ],
                responses: [
                    200: .response(description: "The sign-in page", content: html),
                    302: .response(description: "An error sent back to the client's redirect URI (RFC 6749 §4.1.2.1)", headers: ["Location": .b(.init(schemaOrContent: .a(.header(.string)), required: true))]),
                    400: .response(description: "An error page: unknown client, unregistered redirect URI, malformed request (never a redirect)", content: html),
                    503: unavailable,
                ]
            )),
            Described(method: .post, path: "/oauth2/authorize", operation: .init(
                summary: "Sign-in and consent forms",
                requestBody: form(.object(properties: [
                    "step": .string(required: false, allowedValues: "login", "consent"),
                    "csrf_token": pageField("From the page", maximumLength: 2048),
                    "username": pageField("Sign-in name", maximumLength: 256),
                    "password": pageField("Password", maximumLength: 1024),
                    "decision": .string(required: false, allowedValues: "allow", "deny"),
                    "login_ticket": pageField("From the consent page", maximumLength: 2048),
                ], additionalProperties: ignoredParameters)),
                responses: [
                    200: .response(description: "The next page, or the sign-in page with an error", content: html),
                    303: .response(description: "The answer sent to the client's redirect URI: code, state, iss (RFC 9207), or an error", headers: ["Location": .b(.init(schemaOrContent: .a(.header(.string)), required: true))]),
                    400: .response(description: "A malformed or incomplete form", content: html),
                    403: .response(description: "The form expired or did not come from this server (CSRF)", content: html),
                    413: .response(description: "The form is too large", content: html),
                    415: .response(description: "Not a form", content: html),
                    503: unavailable,
                ]
            )),
            Described(method: .post, path: "/oauth2/introspect", operation: oauthForm(
                summary: "Token introspection for confidential clients (RFC 7662)",
                body: tokenFormSchema(hintsAreChecked: false),
                success: .response(description: "RFC 7662 §2.2", content: json(introspectionSchema)),
                badRequest: "invalid_request"
            )),
            Described(method: .post, path: "/oauth2/signing-keys", operation: {
                var operation = oauthForm(
                    summary: "A client's registered request-signing key (RFC 9421), for a confidential client named in that client's audiences (Warden's own endpoint)",
                    body: .object(
                        properties: [
                            "key_id": .string(description: "The keyid of the signature: the signing client's id, or its id, ':' and a label"),
                            "client_id": field("The caller, unless it authenticates with HTTP Basic"),
                            "client_secret": field("client_secret_post authentication"),
                        ],
                        additionalProperties: ignoredParameters
                    ),
                    success: .response(description: "The key", content: json(signingKeySchema)),
                    badRequest: "invalid_request"
                )
                operation.responses[404] = error("not_found: no such key, or not for this caller (the same answer)")
                return operation
            }()),
            Described(method: .post, path: "/oauth2/security-events", operation: OpenAPI.Operation(
                summary: "What a protected service refused, as RFC 8417 Security Event Token payloads, for detection (Warden's own endpoint; the caller authenticates as a confidential client with HTTP Basic)",
                requestBody: .init(content: json(.array(maxItems: SecurityEventIntake.maximumBatch, items: securityEventSchema)), required: true),
                responses: [
                    202: .response(description: "Taken: how many payloads were this caller's access-refused events", content: json(.object(properties: ["accepted": .integer]))),
                    400: error("invalid_request: not a JSON array, too many payloads, or too large"),
                    401: invalidClient,
                    503: unavailable,
                ]
            )),
            Described(method: .post, path: "/oauth2/revoke", operation: oauthForm(
                summary: "Token revocation (RFC 7009): access tokens by jti, refresh tokens with their family; only the client's own",
                body: tokenFormSchema(hintsAreChecked: true),
                success: .response(description: "Revoked, or nothing to revoke (RFC 7009 §2.2): an empty body"),
                badRequest: "invalid_request, unsupported_token_type"
            )),
            Described(method: .get, path: "/oauth2/revocations", operation: .init(
                summary: "Revocation feed: a JSON page after a cursor, or with Accept: text/event-stream a live stream resuming from Last-Event-ID",
                parameters: [
                    .b(.header(name: "Last-Event-ID", schemaOrContent: .a(.header(.string)), description: "With Accept: text/event-stream: resume after this cursor (SSE)")),
                    query("after", .integer(minimum: (0, exclusive: false)), "Entries after this cursor"),
                    query("limit", .integer(minimum: (1, exclusive: false)), "At most this many entries (the server caps it)"),
                ],
                responses: [
                    200: .response(description: "A page of revoked jtis, or the event stream", content: [
                        .json: .b(OpenAPI.Content(schema: .object(properties: [
                            // A jti entry, or a client entry: its tokens issued before iat_before.
                            "revocations": .array(items: .object(
                                properties: ["cursor": .integer, "jti": .string(required: false), "client_id": .string(required: false), "iat_before": .integer(required: false), "exp": .integer]
                            )),
                            "next": .integer,
                        ]))),
                        .other("text/event-stream"): .b(OpenAPI.Content(schema: JSONSchema.string)),
                    ]),
                    400: error("invalid_request: a cursor or limit that is not a number in range"),
                    503: .response(description: "Too many streams in all (with Retry-After), or storage unreachable", headers: retryAfterIfSent, content: json(errorSchema)),
                ]
            )),
            Described(method: .get, path: "/health", operation: .init(
                summary: "Liveness and readiness: the database and the signing keys",
                responses: [
                    200: .response(description: "Up: the database answers and a key signs", content: json(healthSchema)),
                    503: .response(
                        description: "Something is down, named in the body (the JWKS and metadata are still served from memory)",
                        headers: ["Retry-After": .b(.init(schemaOrContent: .a(.header(.integer)), required: true))],
                        content: json(healthSchema)
                    ),
                ]
            )),
        ]
        if servesMetrics {
            described.append(Described(method: .get, path: "/metrics", operation: .init(
                summary: "Prometheus metrics",
                responses: [200: .response(description: "Prometheus text format 0.0.4", content: [.txt: .b(OpenAPI.Content(schema: JSONSchema.string))])]
            )))
        }
        return described
    }
}
