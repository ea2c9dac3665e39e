/// Reads the freshness lifetime from a `Cache-Control` header (RFC 9111 §5.2.2): `max-age=N`,
/// or zero for `no-store`/`no-cache`. `nil` when the header says neither. Whatever the header
/// holds (empty directives, a bare `=`, digits past `Int.max`), the answer is a number or `nil`,
/// never a trap: the header comes from another server. (Used by WardenClient's JWKS cache; here,
/// with the core's other hand-written parsers, so the fuzzers build it without NIO.)
package enum CacheControlMaxAge {
    package static func seconds(in header: String?) -> Int? {
        guard let header else { return nil }
        var result: Int?
        for directive in header.split(separator: ",") {
            let parts = directive.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = parts[0].trimmingSpaces().lowercased()
            switch name {
            case "no-store", "no-cache": return 0
            case "max-age":
                guard parts.count == 2 else { continue }
                var value = parts[1].trimmingSpaces()
                if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
                // RFC 9111 §1.2.2: a delta-seconds past what the recipient can represent is
                // taken as the largest it can.
                if !value.isEmpty, value.utf8.allSatisfy({ (48...57).contains($0) }) { result = Int(value) ?? Int.max }
            default: continue
            }
        }
        return result
    }
}

extension Substring {
    fileprivate func trimmingSpaces() -> String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
