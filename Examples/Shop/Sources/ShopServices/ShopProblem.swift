import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// A JSON error answer of the shop services: `{"error", "error_description"}` with a status.
struct ShopProblem: HTTPResponseError {
    let status: HTTPResponse.Status
    let error: String
    let errorDescription: String

    func response(from request: Request, context: some RequestContext) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]  // the same bytes on every run
        let body = try encoder.encode(["error": error, "error_description": errorDescription])
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: Array(body))))
    }

    static func badRequest(_ description: String) -> ShopProblem { .init(status: .badRequest, error: "invalid_request", errorDescription: description) }
    static let notFound = ShopProblem(status: .notFound, error: "not_found", errorDescription: "No such order.")
}
