public import WardenCore

extension Scope {
    public static let orderRead: Scope = "order.read"
    public static let orderWrite: Scope = "order.write"
    public static let paymentCreate: Scope = "payment.create"
}

/// The shop's scopes with their descriptions (for the authorization server and OpenAPI).
public enum ShopScopes {
    public static let all: [(scope: Scope, description: String)] = [
        (.orderRead, "Read your orders"),
        (.orderWrite, "Place orders"),
        (.paymentCreate, "Pay for orders"),
    ]
}
