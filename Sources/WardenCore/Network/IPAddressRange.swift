#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// An IPv4 or IPv6 address block in CIDR notation (RFC 4632 §3.1, RFC 4291 §2.3):
/// `10.0.0.0/8`, `2001:db8::/32`, or one address (`192.0.2.7`, `::1`).
///
/// Written here because none of the project's libraries matches an address against a prefix
/// (NIO parses addresses but has no CIDR type); parsing is `inet_pton`'s. In WardenCore (no NIO)
/// so that a fuzz target reaches it (Fuzz/Sources/FuzzIPAddressRange): it reads operators'
/// `--trusted-proxy` blocks and, behind trusted proxies, the addresses in `X-Forwarded-For`.
public struct IPAddressRange: Sendable, Hashable, CustomStringConvertible {
    /// Network bytes: 4 for IPv4, 16 for IPv6.
    let network: [UInt8]
    public let prefixLength: Int

    /// Parses `text`; `nil` when it is not an address or a CIDR block with a prefix in range.
    /// An IPv4-mapped block is the IPv4 block it maps, its prefix on the IPv4 scale
    /// (`::ffff:10.0.0.0/8` is `10.0.0.0/8`; `::ffff:10.0.0.0/104` is refused).
    public init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = Self.bytes(of: String(parts[0])) else { return nil }
        var prefix = address.count * 8
        if parts.count == 2 {
            // Decimal digits only (RFC 4632 §3.1's "/prefix-length"): `Int` alone took "+8".
            let digits = parts[1].utf8
            guard (1...3).contains(digits.count), digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
                let length = Int(parts[1]), (0...prefix).contains(length) else { return nil }
            prefix = length
        }
        self.network = Self.masked(address, prefix: prefix)
        self.prefixLength = prefix
    }

    /// Whether `address` (text, as a peer address or a forwarded one) lies in this block. An
    /// IPv4-mapped IPv6 address (`::ffff:192.0.2.7`) is compared as the IPv4 address it is.
    public func contains(_ address: String) -> Bool {
        guard let bytes = Self.bytes(of: address) else { return false }
        return contains(bytes: bytes)
    }

    package func contains(bytes: [UInt8]) -> Bool {
        bytes.count == network.count && Self.masked(bytes, prefix: prefixLength) == network
    }

    public var description: String { Self.text(of: network) + "/\(prefixLength)" }

    /// `address` in one spelling (`inet_ntop`'s: lower case, zeros compressed; an IPv4-mapped
    /// IPv6 address as IPv4), or `nil` when it is not an address. `2001:DB8:0::A`,
    /// `2001:db8::a` and `::ffff:192.0.2.1` / `192.0.2.1` each become one key.
    public static func normalized(_ address: String) -> String? {
        spellings(of: address).normalized
    }

    /// What throttling and stream limits count a client address under: an IPv4 address, or the
    /// /64 an IPv6 address lies in — one host, or one customer site, is normally handed a whole
    /// /64 (RFC 6177), so counting single IPv6 addresses would let it guess from 2^64 of them.
    public static func bucket(for address: String?) -> String {
        guard let address else { return "unknown" }
        return spellings(of: address).bucket
    }

    /// An address's spellings, worked out once: every request to the authorization server asks
    /// for its client's (issue 16: parsing and printing it each time cost ~1 µs a request), and
    /// a server sees the same few addresses again and again. At most `spellingsCapacity`
    /// addresses are kept; past that the memory starts over (many addresses only cost the work
    /// again).
    package static func spellings(of address: String) -> AddressSpellings {
        if let known = spellingsMemo.withLock({ $0[address] }) { return known }
        let worked = AddressSpellings(of: address)
        // Only addresses (at most 64 bytes, `bytes(of:)`) are kept: other text, of any length,
        // is worked out each time.
        guard worked.normalized != nil else { return worked }
        spellingsMemo.withLock { memo in
            if memo.count >= spellingsCapacity { memo.removeAll(keepingCapacity: true) }
            memo[address] = worked
        }
        return worked
    }

    package static let spellingsCapacity = 4096
    private static let spellingsMemo = Mutex<[String: AddressSpellings]>([:])

    package static func text(of bytes: [UInt8]) -> String {
        var text = [UInt8](repeating: 0, count: 64)
        let family = bytes.count == 4 ? AF_INET : AF_INET6
        let written = bytes.withUnsafeBytes { source in
            text.withUnsafeMutableBufferPointer { inet_ntop(family, source.baseAddress, $0.baseAddress, 64) }
        }
        guard written != nil else { return "?" }
        return String(decoding: text.prefix { $0 != 0 }, as: UTF8.self)
    }

    /// The address's bytes (IPv4-mapped IPv6 as IPv4), or `nil` when `text` is not an address.
    ///
    /// Only the characters an address is spelled with (hex digits, `.`, `:`) reach `inet_pton`:
    /// it reads a C string, so text after a NUL was ignored (`"1.2.3.4\0x"` passed as 1.2.3.4),
    /// and the spellings memo, keyed by `String` (equal under canonical equivalence, which makes
    /// U+037E equal to `;`), could then answer for text a fresh parse refuses (found by a review of
    /// FuzzIPAddressRange's properties). A zone (`%eth0`) was refused before too.
    package static func bytes(of text: String) -> [UInt8]? {
        guard !text.isEmpty, text.utf8.count <= 64, text.utf8.allSatisfy(isAddressByte) else { return nil }
        var v4 = [UInt8](repeating: 0, count: 4)
        if v4.withUnsafeMutableBytes({ inet_pton(AF_INET, text, $0.baseAddress) }) == 1 { return v4 }
        var v6 = [UInt8](repeating: 0, count: 16)
        guard v6.withUnsafeMutableBytes({ inet_pton(AF_INET6, text, $0.baseAddress) }) == 1 else { return nil }
        if v6[0..<10].allSatisfy({ $0 == 0 }), v6[10] == 0xff, v6[11] == 0xff { return Array(v6[12..<16]) }
        return v6
    }

    /// `0`–`9`, `a`–`f`, `A`–`F`, `.` and `:`.
    private static func isAddressByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "f"), UInt8(ascii: "A")...UInt8(ascii: "F"),
            UInt8(ascii: "."), UInt8(ascii: ":"):
            return true
        default:
            return false
        }
    }

    private static func masked(_ bytes: [UInt8], prefix: Int) -> [UInt8] {
        var result = bytes
        for index in result.indices {
            let bitsHere = min(max(prefix - index * 8, 0), 8)
            result[index] &= bitsHere == 0 ? 0 : ~UInt8(0) << (8 - bitsHere)
        }
        return result
    }
}
