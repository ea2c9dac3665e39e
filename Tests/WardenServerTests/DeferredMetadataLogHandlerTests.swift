import Logging
import Synchronization
import Testing
@testable import WardenCLI

/// `warden serve`'s log handler writes exactly what swift-log's stream handler writes, metadata
/// included, while setting metadata costs no rendering.
struct DeferredMetadataLogHandlerTests {
    final class Lines: TextOutputStream, Sendable {
        private let text = Mutex("")
        var value: String { text.withLock { $0 } }
        func write(_ string: String) { text.withLock { $0 += string } }
    }

    /// The line without its leading timestamp.
    private static func withoutTimestamp(_ line: Substring) -> Substring {
        line.drop { $0 != " " }
    }

    @Test func writesWhatTheStreamHandlerWrites() {
        let deferredLines = Lines()
        let streamLines = Lines()
        var deferred = Logger(label: "warden") { DeferredMetadataLogHandler(StreamLogHandler(label: $0, stream: deferredLines, metadataProvider: nil)) }
        var stream = Logger(label: "warden") { StreamLogHandler(label: $0, stream: streamLines, metadataProvider: nil) }
        deferred[metadataKey: "hb.request.id"] = "7"
        stream[metadataKey: "hb.request.id"] = "7"
        deferred[metadataKey: "client"] = "shop-web"
        stream[metadataKey: "client"] = "shop-web"
        deferred.info("issued", metadata: ["client": "override", "grant": "client_credentials"])
        stream.info("issued", metadata: ["client": "override", "grant": "client_credentials"])
        deferred.info("plain")
        stream.info("plain")
        deferred.debug("below the level: not written")
        #expect(!deferredLines.value.isEmpty)
        #expect(deferredLines.value.split(separator: "\n").map(Self.withoutTimestamp) == streamLines.value.split(separator: "\n").map(Self.withoutTimestamp))
        #expect(deferredLines.value.contains("client=override"))
        #expect(deferredLines.value.contains("hb.request.id=7"))
    }

    @Test func metadataIsAValuePerLogger() {
        var first = Logger(label: "warden") { DeferredMetadataLogHandler(StreamLogHandler(label: $0, stream: Lines(), metadataProvider: nil)) }
        first[metadataKey: "a"] = "1"
        var second = first
        second[metadataKey: "a"] = "2"
        #expect(first[metadataKey: "a"] == "1")
        #expect(second[metadataKey: "a"] == "2")
        second.logLevel = .error
        #expect(first.logLevel == .info)
    }
}
