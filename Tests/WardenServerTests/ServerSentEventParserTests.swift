import Testing
@testable import WardenClient

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
}
