public import WardenCore

/// What ``BearerAuthenticator/authenticateWithoutSuspending(_:)`` found in a request.
public enum TokenAuthentication: Sendable {
    /// No credentials this server takes: the request goes on without an identity.
    case noCredentials
    /// The token, verified.
    case verified(IncomingAccessToken)
    /// It takes waiting — a form body to read, a key to fetch, a DPoP proof to check:
    /// ``BearerAuthenticator/authenticate(_:)`` decides.
    case mustWait
}
