import ServiceLifecycle

/// A service that, once graceful shutdown has begun, is cancelled if it has not stopped within
/// `limit`: the exporter's last send to a collector that is down or slow (10 s timeouts, retries
/// on 503) must not hold a stopping process for half a minute (a review measured 30 s).
struct FlushLimitedService: Service {
    let service: any Service
    let limit: Duration

    init(_ service: any Service, limit: Duration) {
        self.service = service
        self.limit = limit
    }

    func run() async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await service.run() }
            group.addTask {
                // Returns once shutdown has begun (or throws when cancelled: the group ends anyway).
                try await gracefulShutdown()
                try await Task.sleep(for: limit)
            }
            // Whichever ends first ends both: the service stopping, or the limit passing.
            defer { group.cancelAll() }
            try await group.next()
        }
    }
}
