public import Hummingbird
public import HTTPTypes
import NIOCore

extension Response {
    /// A response from WardenCore's framework-neutral parts (a refusal, an OAuth error, a page):
    /// `statusCode`, the header fields in order (appended, so two `WWW-Authenticate` challenges
    /// stay two), and `body`. A field name that is not a valid token is left out.
    public init(statusCode: Int, headerFields: [(name: String, value: String)], body: [UInt8]) {
        var headers = HTTPFields()
        for field in headerFields {
            if let name = HTTPField.Name(field.name) { headers.append(HTTPField(name: name, value: field.value)) }
        }
        self.init(status: HTTPResponse.Status(code: statusCode), headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}
