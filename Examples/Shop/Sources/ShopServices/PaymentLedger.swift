import Synchronization

/// The payment service's records, in memory: the newest `capacity` (a demo keeps no history;
/// bounded, so that a soak run's memory stays flat, issue 17).
public final class PaymentLedger: Sendable {
    private let payments = Mutex<[Payment]>([])
    public let capacity: Int

    public init(capacity: Int = 10_000) { self.capacity = max(1, capacity) }

    /// The payments kept, oldest first.
    public var all: [Payment] { payments.withLock { $0 } }

    func append(_ payment: Payment) {
        payments.withLock { payments in
            payments.append(payment)
            // Trimmed by a tenth at a time, not one element per payment.
            if payments.count > capacity + capacity / 10 { payments.removeFirst(payments.count - capacity) }
        }
    }
}
