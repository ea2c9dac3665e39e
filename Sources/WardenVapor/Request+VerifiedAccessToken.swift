public import Vapor
public import WardenCore

extension Request {
    private struct IncomingAccessTokenKey: StorageKey {
        typealias Value = IncomingAccessToken
    }

    /// The token ``BearerMiddleware`` verified for this request, if it carried one.
    public var verifiedAccessToken: VerifiedAccessToken? { incomingAccessToken?.verified }

    /// That token with its raw value, for a client calling the next service.
    public internal(set) var incomingAccessToken: IncomingAccessToken? {
        get { storage[IncomingAccessTokenKey.self] }
        set { storage[IncomingAccessTokenKey.self] = newValue }
    }
}
