import HummingbirdAuth
import WardenCore

/// The request context of both shop services: Hummingbird's, with the verified token as identity.
public typealias ShopContext = BasicAuthRequestContext<VerifiedAccessToken>
