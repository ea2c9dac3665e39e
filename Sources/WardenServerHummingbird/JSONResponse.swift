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
        var headers = noStore ? jsonNoStoreFields : jsonFields
        if !extra.isEmpty { headers.append(contentsOf: extra) }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// The header fields of every JSON answer, built once (issue 16: building and checking them
    /// per response was ~0.5 µs of each token and introspection request); a copy is a reference.
    private static let jsonFields: HTTPFields = [.contentType: "application/json"]
    private static let jsonNoStoreFields: HTTPFields = [.contentType: "application/json", .cacheControl: "no-store", HTTPField.Name("Pragma")!: "no-cache"]
}
