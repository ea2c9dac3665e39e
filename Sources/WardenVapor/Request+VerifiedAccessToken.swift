import Vapor
import WardenCore

extension Request {
    private struct VerifiedAccessTokenKey: StorageKey {
        typealias Value = VerifiedAccessToken
    }

    /// The token ``BearerMiddleware`` verified for this request, if it carried one.
    public internal(set) var verifiedAccessToken: VerifiedAccessToken? {
        get { storage[VerifiedAccessTokenKey.self] }
        set { storage[VerifiedAccessTokenKey.self] = newValue }
    }
}
