public import NIOCore
public import Vapor

extension Request {
    /// The whole body, at most `limit` bytes (`nil` when there is none); a larger body throws
    /// `Abort(.payloadTooLarge)`. Vapor's own `body.collect(max:)` checks its limit only when
    /// the body comes in more than one piece, and refuses a body of exactly `max` bytes; this
    /// checks the size of what was read, so the limit holds however the bytes arrive, and means
    /// what Hummingbird's `collectBody(upTo:)` means.
    public func collectBody(upTo limit: Int) async throws -> ByteBuffer? {
        let body = try await self.body.collect(max: limit == Int.max ? limit : limit + 1).get()
        if let body, body.readableBytes > limit { throw Abort(.payloadTooLarge) }
        return body
    }
}
