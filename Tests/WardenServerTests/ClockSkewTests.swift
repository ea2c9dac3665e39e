import Foundation
import Logging
import MetricsTestKit
import Testing
import WardenCore
import WardenServer
import WardenSQLite
import WardenTesting

/// A node's clock against the database's (issue 14's client entries are timed by the
/// database): the skew measured, the gauge set, one warning while it is past the tolerance and
/// a note when it is back.
@Suite struct ClockSkewTests {
    @Test func aNodeAheadOfTheDatabaseIsWarnedOnceAndToldWhenItIsBack() async throws {
        let store = try await SQLiteStore.open(path: FileManager.default.temporaryDirectory.appendingPathComponent("skew-\(UUID().uuidString).sqlite").path)
        let clock = ManualTimeSource()
        let metrics = TestMetrics()
        let lines = RevocationFeedHealthTests.LogLines()
        let service = ClockSkewService(store: store, timeSource: clock.timeSource, metricsFactory: metrics,
                                       logger: Logger(label: "skew") { StreamLogHandler(label: $0, stream: lines, metadataProvider: nil) })
        // This node's clock `offset` seconds from the database's (a SQLite file's is the machine's).
        func measure(offset: TimeInterval) async throws -> TimeInterval {
            clock.set(Date().addingTimeInterval(offset))
            return try await service.measureOnce()
        }
        #expect(abs(try await measure(offset: 0)) < 0.5)
        let ahead = try await measure(offset: 10)
        #expect(ahead > 9.5 && ahead < 10.5)
        #expect(try metrics.expectGauge("warden.database.clock_skew_seconds").lastValue ?? 0 > 9.5)
        _ = try await measure(offset: 10)
        _ = try await measure(offset: -10)
        _ = try await measure(offset: 0)
        try await store.close()
        let log = lines.value
        #expect(log.components(separatedBy: "differs from the database's").count - 1 == 1, "\(log)")
        #expect(log.contains("agrees with the database's again") && log.contains("synchronize the clocks"), "\(log)")
    }

    @Test(arguments: StoreConformanceTests.Backend.available)
    func bothStoresTellTheirTime(_ backend: StoreConformanceTests.Backend) async throws {
        try await StoreConformanceTests().withStore(backend) { store in
            // Both clocks are this machine's here: no skew worth a warning.
            let skew = try await ClockSkewService(store: store).measureOnce()
            #expect(abs(skew) < ClockSkewService.tolerance)
        }
    }
}
