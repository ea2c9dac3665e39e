import Hummingbird

/// `GET /users/me/` body (FastAPI's `User`).
struct UserResponse: ResponseEncodable {
    let username: String
    let email: String
    let full_name: String
    let disabled: Bool
}

/// One element of `GET /users/me/items/`.
struct ItemResponse: ResponseEncodable {
    let item_id: String
    let owner: String
}

/// `GET /status/`.
struct StatusResponse: ResponseEncodable {
    let status: String
}
