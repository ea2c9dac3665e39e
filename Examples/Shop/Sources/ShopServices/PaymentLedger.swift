import Synchronization

/// The payment service's records, in memory.
public final class PaymentLedger: Sendable {
    private let payments = Mutex<[Payment]>([])
    public init() {}
    public var all: [Payment] { payments.withLock { $0 } }
    func append(_ payment: Payment) { payments.withLock { $0.append(payment) } }
}
