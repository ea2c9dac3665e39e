import Testing
@testable import WardenClient
import WardenCore

@Suite struct ServerSentEventParserTests {
    @Test func parsesEventsAcrossChunksAndLineEndings() throws {
        var parser = ServerSentEventParser()
        var events = try parser.feed(Array("retry: 1000\n\n: comment\nid: 7\r\nevent: revocation\rdata: {\"a\"".utf8))
        #expect(events.isEmpty)
        events = try parser.feed(Array(":1}\ndata: second line\n\nid: 8\ndata\n\n".utf8))
        #expect(events == [
            .init(id: "7", event: "revocation", data: "{\"a\":1}\nsecond line"),
            .init(id: "8", event: "message", data: ""),
        ])
    }

    @Test func refusesEndlessLines() {
        var parser = ServerSentEventParser()
        #expect(throws: ServerSentEventParser.LineTooLong.self) {
            _ = try parser.feed([UInt8](repeating: UInt8(ascii: "a"), count: ServerSentEventParser.maximumLineLength + 1))
        }
    }

    @Test func refusesEndlessEvents() throws {
        var parser = ServerSentEventParser()
        let line = Array(("data: " + String(repeating: "a", count: 1000) + "\n").utf8)
        // Just under the bound: one event.
        for _ in 0..<(ServerSentEventParser.maximumEventSize / 1001) { #expect(try parser.feed(line).isEmpty) }
        #expect(try parser.feed(Array("\n".utf8)).count == 1)
        // Data lines that never reach a blank line.
        #expect(throws: ServerSentEventParser.EventTooLarge.self) {
            for _ in 0...(ServerSentEventParser.maximumEventSize / 1001) { _ = try parser.feed(line) }
        }
    }
}
