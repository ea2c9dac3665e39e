/// A request's W3C Trace Context fields, checked before any tracer sees them (issue 16; written
/// by hand: the rules are a few lines of W3C Trace Context Level 1, and swift-otel's own reader
/// logs what it refuses — raw, on a line of its own, whatever the log level — and keeps a
/// `tracestate` of any size). What fails the check is read as absent: the request starts a new
/// trace, nothing is logged, nothing of it is stored or forwarded.
///
/// - `traceparent` (§3.2): exactly one field of 55 characters, `00-<32 hex>-<16 hex>-<2 hex>`,
///   lowercase, neither id all zeros (version `00`, the only one defined).
/// - `tracestate` (§3.3): only with a good `traceparent`; at most 512 bytes (the size §3.3.1.5
///   lets a receiver keep) and 32 list members, each `key=value` of the allowed characters;
///   otherwise dropped alone.
public struct TraceContextFields: Sendable, Equatable {
    public let traceparent: String?
    public let tracestate: String?

    public static let maximumTracestateBytes = 512
    public static let maximumTracestateMembers = 32

    /// From the values of each field as received (several fields of one name as several values).
    public init(traceparent: [String], tracestate: [String]) {
        guard traceparent.count == 1, Self.isValidTraceparent(traceparent[0]) else {
            self.traceparent = nil
            self.tracestate = nil
            return
        }
        self.traceparent = traceparent[0]
        let joined = tracestate.joined(separator: ",")
        self.tracestate = !tracestate.isEmpty && Self.isValidTracestate(joined) ? joined : nil
    }

    static func isValidTraceparent(_ value: String) -> Bool {
        let bytes = Array(value.utf8)
        guard bytes.count == 55, bytes[2] == UInt8(ascii: "-"), bytes[35] == UInt8(ascii: "-"), bytes[52] == UInt8(ascii: "-") else { return false }
        func lowercaseHex(_ range: Range<Int>) -> Bool {
            bytes[range].allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0) }
        }
        guard lowercaseHex(0..<2), lowercaseHex(3..<35), lowercaseHex(36..<52), lowercaseHex(53..<55) else { return false }
        guard bytes[0..<2].elementsEqual("00".utf8) else { return false }
        return !bytes[3..<35].allSatisfy { $0 == UInt8(ascii: "0") } && !bytes[36..<52].allSatisfy { $0 == UInt8(ascii: "0") }
    }

    /// Without the spaces and tabs around it (OWS, RFC 9110 §5.6.3).
    static func trimmed(_ member: Substring) -> Substring {
        var member = member
        while let first = member.first, first == " " || first == "\t" { member.removeFirst() }
        while let last = member.last, last == " " || last == "\t" { member.removeLast() }
        return member
    }

    static func isValidTracestate(_ value: String) -> Bool {
        guard value.utf8.count <= maximumTracestateBytes else { return false }
        // Empty members (`a=1,,b=2`) and optional spaces around commas are allowed (§3.3.1.1).
        let members = value.split(separator: ",", omittingEmptySubsequences: true)
            .map { Self.trimmed($0) }
            .filter { !$0.isEmpty }
        guard members.count <= maximumTracestateMembers else { return false }
        return members.allSatisfy { member in
            guard let equals = member.firstIndex(of: "=") else { return false }
            let key = member[..<equals].unicodeScalars
            let value = member[member.index(after: equals)...].unicodeScalars
            // key: lowercase letters, digits, `_ - * / @` (a tenant@system key among them),
            // starting with a letter or digit; value: printable ASCII but `,` and `=`, not ending
            // in a space.
            guard let first = key.first, (first >= "a" && first <= "z") || (first >= "0" && first <= "9"),
                key.count <= 256,
                key.allSatisfy({ ($0 >= "a" && $0 <= "z") || ($0 >= "0" && $0 <= "9") || "_-*/@".unicodeScalars.contains($0) })
            else { return false }
            guard !value.isEmpty, value.count <= 256, value.last != " ",
                value.allSatisfy({ $0.value >= 0x20 && $0.value <= 0x7E && $0 != "," && $0 != "=" })
            else { return false }
            return true
        }
    }
}
