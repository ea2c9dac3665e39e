public import WardenHummingbird

/// The request context of both shop services: Hummingbird's, with the verified token as
/// identity and JSON answers in a stable member order.
public typealias ShopContext = BearerRequestContext
