import Foundation
import HTTPTypes
public import OpenAPIKit
public import WardenCore

/// Builds an OpenAPI 3.1 document (with OpenAPIKit) from the routes as declared: one `oauth2`
/// security scheme with its flows and scope descriptions, and on each protected operation a
/// security requirement per alternative of its added-up scopes (`[]` when any valid token will do).
public struct OpenAPIDocumentBuilder: Sendable {
    public var title: String
    public var version: String
    public var description: String?
    /// Every scope with its description, in display order.
    public var scopes: [(scope: Scope, description: String)]
    /// Token endpoint of the password flow, if offered.
    public var passwordTokenURL: String?
    /// Token endpoint of the client-credentials flow, if offered.
    public var clientCredentialsTokenURL: String?
    /// Authorization and token endpoints of the authorization-code flow, if offered.
    public var authorizationCodeURLs: (authorization: String, token: String)?
    public var securitySchemeName = "oauth2"

    public init(title: String, version: String = "1.0.0", scopes: [(scope: Scope, description: String)]) {
        self.title = title
        self.version = version
        self.scopes = scopes
    }

    public func document(for registry: OpenAPIRouteRegistry) -> OpenAPI.Document {
        var scopeDictionary = OrderedDictionary<String, String>()
        for (scope, description) in scopes { scopeDictionary[scope.rawValue] = description }
        let flows = OpenAPI.OAuthFlows(
            password: passwordTokenURL.flatMap(URL.init(string:)).map { .init(tokenUrl: $0, scopes: scopeDictionary) },
            clientCredentials: clientCredentialsTokenURL.flatMap(URL.init(string:)).map { .init(tokenUrl: $0, scopes: scopeDictionary) },
            authorizationCode: authorizationCodeURLs.flatMap { urls in
                guard let authorization = URL(string: urls.authorization), let token = URL(string: urls.token) else { return nil }
                return .init(authorizationUrl: authorization, tokenUrl: token, scopes: scopeDictionary)
            }
        )
        let scheme = OpenAPI.SecurityScheme.oauth2(flows: flows)

        var paths = OpenAPI.PathItem.Map()
        for operation in registry.operations {
            let path = OpenAPI.Path(rawValue: operation.path)
            var item = paths[path]?.pathItemValue ?? OpenAPI.PathItem()
            var responses: OpenAPI.Response.Map = [200: .response(description: "Success")]
            var security: [OpenAPI.SecurityRequirement]? = nil
            if let requirement = operation.requirement {
                security = requirement.alternatives.map { [.component(named: securitySchemeName): $0.sorted.map(\.rawValue)] }
                responses[401] = .response(description: "Missing or invalid access token (RFC 6750 §3.1)")
                if !requirement.mentionedScopes.isEmpty {
                    responses[403] = .response(description: "Insufficient scope: \(requirement.mentionedScopes)")
                }
            }
            var documented = OpenAPI.Operation(
                summary: operation.summary,
                operationId: Self.operationID(operation),
                parameters: Self.pathParameters(in: operation.path).map { .b(.path(name: $0, schema: .string)) },
                responses: responses,
                security: security
            )
            if var described = operation.described {
                if described.operationId == nil { described.operationId = Self.operationID(operation) }
                documented = described
            }
            item.set(operation: documented, for: OpenAPI.HttpMethod(rawValue: operation.method.rawValue.uppercased())!)
            paths[path] = .b(item)
        }
        return OpenAPI.Document(
            openAPIVersion: .v3_1_1,
            info: .init(title: title, description: description, version: version),
            servers: [],
            paths: paths,
            components: .init(securitySchemes: [.init(stringLiteral: securitySchemeName): .b(scheme)])
        )
    }

    /// The document as JSON bytes (keys sorted, so it is stable).
    public func json(for registry: OpenAPIRouteRegistry) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(document(for: registry)))
    }

    /// The names of a template's `{name}` segments: OpenAPI 3.1 §4.8.12.1 requires each to be
    /// declared as a path parameter.
    static func pathParameters(in template: String) -> [String] {
        template.split(separator: "/").compactMap { segment in
            guard segment.hasPrefix("{"), segment.hasSuffix("}"), segment.count > 2 else { return nil }
            return String(segment.dropFirst().dropLast())
        }
    }

    static func operationID(_ operation: OpenAPIRouteRegistry.Operation) -> String {
        let words = operation.path.split(separator: "/").map { $0.filter { $0.isLetter || $0.isNumber } }.filter { !$0.isEmpty }
        return ([operation.method.rawValue.lowercased()] + words).joined(separator: "_")
    }
}
