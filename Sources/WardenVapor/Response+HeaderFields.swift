public import NIOCore
public import Vapor

extension Response {
    /// A response from WardenCore's framework-neutral parts (a refusal, an OAuth error, a page):
    /// `statusCode`, the header fields in order (repeated names kept, as two `WWW-Authenticate`
    /// challenges must be), and `body`.
    public convenience init(statusCode: Int, headerFields: [(name: String, value: String)], body: [UInt8]) {
        var headers = HTTPHeaders()
        for field in headerFields { headers.add(name: field.name, value: field.value) }
        self.init(status: HTTPResponseStatus(statusCode: statusCode), headers: headers, body: .init(buffer: ByteBuffer(bytes: body)))
    }
}
