public import NIOCore
public import NIOHTTP1

/// A target's whole answer, read by ``AuthorizedHTTPClient/collect(_:to:timeout:upTo:)``.
public struct CollectedResponse: Sendable {
    public let status: HTTPResponseStatus
    public let headers: HTTPHeaders
    public let body: ByteBuffer
}
