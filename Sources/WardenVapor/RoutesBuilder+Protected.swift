public import Vapor
public import WardenCore

extension RoutesBuilder {
    /// These routes behind `bearer`, as ``ProtectedRoutes`` requiring `requirement` (and what
    /// their own routes add): `app.protected(by: bearer, requiring: .allOf("me"))`.
    public func protected<Keys: VerificationKeySource>(
        by bearer: BearerMiddleware<Keys>,
        requiring requirement: ScopeRequirement = .none
    ) -> ProtectedRoutes {
        ProtectedRoutes(routes: grouped(bearer), requirement: requirement, realm: bearer.realm, dpop: bearer.configuration.dpop, refusals: bearer.configuration.refusals)
    }
}
