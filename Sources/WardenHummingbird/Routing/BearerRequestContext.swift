public import Foundation
public import Hummingbird
public import HummingbirdAuth
public import WardenCore

/// Hummingbird's `BasicAuthRequestContext` for routes protected by a ``BearerAuthenticator``,
/// with one difference: JSON answers list their members in sorted order. Foundation's
/// `JSONEncoder` otherwise orders a struct's members differently from one process to the next,
/// so the same request answers `{"item_id":…,"owner":…}` in one run and `{"owner":…,"item_id":…}`
/// in the next; documentation, tests and caches comparing bytes want the same answer every time.
public struct BearerRequestContext: AuthRequestContext, RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var identity: VerifiedAccessToken?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.identity = nil
    }

    public var responseEncoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }
}
