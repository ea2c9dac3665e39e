public import HTTPTypes
public import WardenCore

/// Which peers may say who the client is, and in which header (architecture.md decision 10).
///
/// Without trusted proxies the client is the TCP peer and forwarding headers are ignored:
/// anyone can send them. When the peer is trusted, the chain in the chosen header is read from
/// the right (the entry the trusted proxy appended) and the first address that is not itself a
/// trusted proxy is the client. Only one header is read: a proxy that appends to
/// `X-Forwarded-For` passes a client's own `Forwarded` header through untouched, so reading
/// both would let the client choose its address.
public struct TrustedProxies: Sendable, Hashable {
    /// The header the trusted proxies write.
    public enum Header: String, Sendable, Hashable, CaseIterable {
        /// `X-Forwarded-For: client, proxy1, proxy2` (de facto standard; nginx, HAProxy, ELB).
        case xForwardedFor = "x-forwarded-for"
        /// `Forwarded: for=client, for=proxy1` (RFC 7239).
        case forwarded = "forwarded"
    }

    public var ranges: [IPAddressRange]
    public var header: Header

    public init(_ ranges: [IPAddressRange] = [], header: Header = .xForwardedFor) {
        self.ranges = ranges
        self.header = header
    }

    /// No one is trusted: the TCP peer is the client.
    public static let none = TrustedProxies()

    public func isTrusted(_ address: String) -> Bool {
        guard !ranges.isEmpty, let bytes = IPAddressRange.bytes(of: address) else { return false }
        return ranges.contains { $0.contains(bytes: bytes) }
    }

    /// The client's address for a request from `peer` with `headers`, normalized
    /// (WardenCore's `IPAddressRange.normalized(_:)`).
    public func clientAddress(peer: String?, headers: HTTPFields) -> String? {
        resolve(peer: peer, headers: headers).map { IPAddressRange.normalized($0) ?? $0 }
    }

    private func resolve(peer: String?, headers: HTTPFields) -> String? {
        guard let peer, isTrusted(peer) else { return peer }
        var current = peer
        for entry in chain(in: headers).reversed() {
            // An entry that is not an address ("unknown", an obfuscated name, garbage): the
            // proxy that wrote it could not say more, so the client is the last known hop.
            guard let address = Self.canonical(entry) else { return current }
            current = address
            if !isTrusted(address) { return address }
        }
        return current
    }

    /// The forwarded-for entries, left (client side) to right (nearest proxy), over every
    /// instance of the header (RFC 9110 §5.3: several lines are one comma-separated list).
    func chain(in headers: HTTPFields) -> [Substring] {
        let name = HTTPField.Name(header.rawValue)!
        var entries: [Substring] = []
        for line in headers[values: name] {
            for element in line.split(separator: ",", omittingEmptySubsequences: false) {
                switch header {
                case .xForwardedFor:
                    entries.append(element.trimmingSpaces)
                case .forwarded:
                    // RFC 7239 §4: forwarded-element = pairs separated by ";"; take `for`.
                    var value: Substring = "unknown"
                    for pair in element.split(separator: ";") {
                        let parts = pair.split(separator: "=", maxSplits: 1)
                        if parts.count == 2, parts[0].trimmingSpaces.lowercased() == "for" { value = parts[1].trimmingSpaces }
                    }
                    entries.append(value)
                }
            }
        }
        return entries
    }

    /// The address in a forwarded-for entry, without quotes, brackets and port, as text
    /// `IPAddressRange` accepts; `nil` when the entry is not an address.
    static func canonical(_ entry: Substring) -> String? {
        var text = entry
        if text.hasPrefix("\""), text.hasSuffix("\""), text.count >= 2 { text = text.dropFirst().dropLast() }
        if text.hasPrefix("[") {
            // "[2001:db8::1]" or "[2001:db8::1]:4711" (RFC 7239 §6).
            guard let close = text.firstIndex(of: "]") else { return nil }
            text = text[text.index(after: text.startIndex)..<close]
        } else if text.filter({ $0 == ":" }).count == 1 {
            // "192.0.2.43:47011"
            text = text[..<text.firstIndex(of: ":")!]
        }
        let address = String(text)
        return IPAddressRange.bytes(of: address) == nil ? nil : address
    }
}

extension Substring {
    fileprivate var trimmingSpaces: Substring {
        var text = self
        while let first = text.first, first == " " || first == "\t" { text = text.dropFirst() }
        while let last = text.last, last == " " || last == "\t" { text = text.dropLast() }
        return text
    }
}
