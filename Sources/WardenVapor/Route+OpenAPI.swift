public import Vapor
public import WardenCore

extension Route {
    private static let scopeRequirementKey = "warden.scopeRequirement"
    private static let excludedFromOpenAPIKey = "warden.excludedFromOpenAPI"

    /// What this route requires, when ``ProtectedRoutes`` added it (its whole, added-up
    /// requirement; `.none` for any valid token); `nil` for a route that needs no token.
    /// The OpenAPI document (``Vapor/Application/addOpenAPIRoutes(builder:swaggerUI:)``) reads it.
    public internal(set) var scopeRequirement: ScopeRequirement? {
        get { userInfo[Self.scopeRequirementKey] as? ScopeRequirement }
        set { userInfo[Self.scopeRequirementKey] = newValue }
    }

    /// Leaves this route out of the OpenAPI document (`/docs` itself; a route kept only to say
    /// where something moved).
    @discardableResult
    public func excludedFromOpenAPI() -> Route {
        userInfo[Self.excludedFromOpenAPIKey] = true
        return self
    }

    var isExcludedFromOpenAPI: Bool { userInfo[Self.excludedFromOpenAPIKey] != nil }
}
