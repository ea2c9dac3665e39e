public import Hummingbird

/// An order as the order service answers it.
public struct Order: Codable, Sendable, Equatable, ResponseEncodable {
    public struct Payment: Codable, Sendable, Equatable {
        public let id: String
        public let status: String
    }
    public let id: String
    public let item: String
    public let amount: Int
    public let owner: String
    public let payment: Payment
}
