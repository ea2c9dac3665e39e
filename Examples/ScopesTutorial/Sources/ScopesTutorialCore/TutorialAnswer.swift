import Foundation
public import WardenCore

/// One answer of the tutorial app, whichever framework serves it: status, header fields and body
/// bytes, so the Hummingbird and the Vapor builds answer the same bytes by construction.
public struct TutorialAnswer: Sendable {
    public let status: Int
    public let headerFields: [(name: String, value: String)]
    public let body: [UInt8]

    init(status: Int, headerFields: [(name: String, value: String)], body: [UInt8]) {
        self.status = status
        self.headerFields = headerFields
        self.body = body
    }

    /// 200 with `value` as JSON, members in sorted order (the same bytes on every run, as the
    /// README shows them; Foundation orders a struct's members differently per process).
    static func json(_ value: some Encodable) -> TutorialAnswer {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let body = (try? encoder.encode(value)).map { Array($0) } ?? Array("null".utf8)
        return TutorialAnswer(status: 200, headerFields: [("Content-Type", "application/json; charset=utf-8")], body: body)
    }

    /// An RFC 6749 §5.2 error, as WardenCore renders it.
    public init(_ error: OAuthError) {
        self.init(status: error.statusCode, headerFields: error.headerFields, body: error.jsonBody)
    }
}

/// `GET /users/me/` body (FastAPI's `User`).
struct UserResponse: Encodable {
    let username: String
    let email: String
    let full_name: String
    let disabled: Bool
}

/// One element of `GET /users/me/items/`.
struct ItemResponse: Encodable {
    let item_id: String
    let owner: String
}

/// `GET /status/`.
struct StatusResponse: Encodable {
    let status: String
}
