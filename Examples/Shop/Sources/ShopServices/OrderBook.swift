import Synchronization

/// The order service's orders, in memory.
public final class OrderBook: Sendable {
    private let orders = Mutex<[String: Order]>([:])
    public init() {}
    func add(_ order: Order) { orders.withLock { $0[order.id] = order } }
    func order(id: String) -> Order? { orders.withLock { $0[id] } }
    public var count: Int { orders.withLock { $0.count } }
}
