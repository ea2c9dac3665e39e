import Synchronization

/// The order service's orders, in memory: the newest `capacity`, the oldest forgotten first
/// (a demo keeps no history; bounded, so that a soak run's memory stays flat, issue 17).
public final class OrderBook: Sendable {
    private struct Orders {
        var byID: [String: Order] = [:]
        var arrival: [String] = []
        var oldest = 0
    }

    private let orders = Mutex(Orders())
    public let capacity: Int

    public init(capacity: Int = 10_000) { self.capacity = max(1, capacity) }

    func add(_ order: Order) {
        orders.withLock { orders in
            if orders.byID.updateValue(order, forKey: order.id) == nil { orders.arrival.append(order.id) }
            while orders.byID.count > capacity {
                orders.byID[orders.arrival[orders.oldest]] = nil
                orders.oldest += 1
            }
            // Drop the forgotten ids now and then, not at every order.
            if orders.oldest >= capacity {
                orders.arrival.removeFirst(orders.oldest)
                orders.oldest = 0
            }
        }
    }

    func order(id: String) -> Order? { orders.withLock { $0.byID[id] } }
    public var count: Int { orders.withLock { $0.byID.count } }
}
