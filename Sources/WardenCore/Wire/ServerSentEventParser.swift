/// Parses a `text/event-stream` (WHATWG HTML §9.2.6) incrementally: feed bytes as they arrive,
/// get whole events back. Lines end with LF, CRLF or CR; `:` lines are comments; `data` lines
/// accumulate; a blank line dispatches. A line longer than ``maximumLineLength``, or an event
/// whose data lines add up to more than ``maximumEventSize``, is an error, so a hostile stream
/// cannot grow the buffers without bound. (Hand-written: no listed package parses SSE.)
///
/// Used by WardenClient's revocation feed; here, with the core's other hand-written parsers,
/// because it needs nothing but the standard library: the fuzzers (`Fuzz/`) build it without
/// NIO or an HTTP client.
package struct ServerSentEventParser {
    package struct Event: Equatable {
        package var id: String?
        package var event: String
        package var data: String

        package init(id: String?, event: String, data: String) {
            self.id = id
            self.event = event
            self.data = data
        }
    }

    package struct LineTooLong: Error {}
    package struct EventTooLarge: Error {}

    package static let maximumLineLength = 64 * 1024
    /// A revocation event is under 200 bytes; this bounds one that never ends.
    package static let maximumEventSize = 256 * 1024

    private var line: [UInt8] = []
    private var lastWasCR = false
    private var eventType = ""
    private var data: [String] = []
    private var dataSize = 0
    private var id: String?
    private var hasFields = false

    package init() {}

    /// Events completed by `bytes`.
    package mutating func feed(_ bytes: some Sequence<UInt8>) throws -> [Event] {
        var events: [Event] = []
        for byte in bytes {
            if lastWasCR {
                lastWasCR = false
                if byte == 0x0A { continue }  // CRLF: the CR ended the line already
            }
            switch byte {
            case 0x0A:
                if let event = try endLine() { events.append(event) }
            case 0x0D:
                lastWasCR = true
                if let event = try endLine() { events.append(event) }
            default:
                guard line.count < Self.maximumLineLength else { throw LineTooLong() }
                line.append(byte)
            }
        }
        return events
    }

    private mutating func endLine() throws -> Event? {
        defer { line.removeAll(keepingCapacity: true) }
        if line.isEmpty {
            guard hasFields else { return nil }
            defer { eventType = ""; data = []; dataSize = 0; hasFields = false }
            return Event(id: id, event: eventType.isEmpty ? "message" : eventType, data: data.joined(separator: "\n"))
        }
        if line.first == UInt8(ascii: ":") { return nil }
        let text = String(decoding: line, as: UTF8.self)
        let name: Substring
        var value: Substring
        if let colon = text.firstIndex(of: ":") {
            name = text[..<colon]
            value = text[text.index(after: colon)...]
            if value.first == " " { value = value.dropFirst() }
        } else {
            name = Substring(text)
            value = ""
        }
        switch name {
        case "event": eventType = String(value); hasFields = true
        case "data":
            dataSize += value.utf8.count + 1
            guard dataSize <= Self.maximumEventSize else { throw EventTooLarge() }
            data.append(String(value))
            hasFields = true
        case "id" where !value.contains("\u{0}"): id = String(value); hasFields = true
        default: break  // `retry` and unknown fields are ignored
        }
        return nil
    }
}
