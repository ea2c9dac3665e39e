import HTTPTypes
import Hummingbird
import NIOCore
import WardenCore
import WardenServer

extension Response {
    /// A JSON response; `noStore` for anything carrying tokens (RFC 6749 §5.1).
    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok, noStore: Bool = true, headers extra: HTTPFields = [:]) -> Response {
        json(bytes: value.serialized(), status: status, noStore: noStore, headers: extra)
    }

    /// A JSON response from bytes already serialized.
    static func json(bytes: [UInt8], status: HTTPResponse.Status = .ok, noStore: Bool = true, headers extra: HTTPFields = [:]) -> Response {
        var headers: HTTPFields = [.contentType: "application/json"]
        if noStore {
            headers[.cacheControl] = "no-store"
            headers[HTTPField.Name("Pragma")!] = "no-cache"
        }
        headers.append(contentsOf: extra)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
