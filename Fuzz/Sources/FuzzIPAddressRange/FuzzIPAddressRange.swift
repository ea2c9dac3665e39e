import FuzzSupport
@testable import WardenCore

/// Address blocks and client addresses (`IPAddressRange`: `--trusted-proxy` blocks, and behind
/// trusted proxies the addresses a request's `X-Forwarded-For` or `Forwarded` names). The input is
/// a block, a newline, and an address (the whole input is both without one). Never a trap; an
/// accepted block prints as a block that parses back to itself and holds its own network address;
/// an address has one spelling, which is its own spelling again and lies in its own /32 or /128;
/// an address's throttling bucket is the address (IPv4) or a /64 that holds it (IPv6).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzIPAddressRange(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    // Cut at the first newline byte before decoding ("\r\n" is one `Character`, so a split of the
    // text would never cut there).
    let bytes = UnsafeRawBufferPointer(start: start, count: count)
    let newline = bytes.firstIndex(of: UInt8(ascii: "\n"))
    let blockText = String(decoding: bytes[..<(newline ?? count)], as: UTF8.self)
    let address = newline.map { String(decoding: bytes[($0 + 1)...], as: UTF8.self) } ?? blockText

    if let block = IPAddressRange(blockText) {
        let printed = block.description
        guard let again = IPAddressRange(printed), again == block, again.description == printed else {
            propertyFailed("\(blockText.debugDescription) prints as \(printed.debugDescription), which does not parse back to it")
        }
        let network = String(printed.prefix { $0 != "/" })
        guard block.contains(network) else { propertyFailed("\(printed) does not hold its own network address") }
        _ = block.contains(address)
    }

    if let spelling = IPAddressRange.normalized(address) {
        guard IPAddressRange.normalized(spelling) == spelling else {
            propertyFailed("\(address.debugDescription) spelled \(spelling.debugDescription), which spells differently again")
        }
        guard let own = IPAddressRange(spelling), own.contains(address), own.prefixLength == 32 || own.prefixLength == 128 else {
            propertyFailed("\(address.debugDescription) is not in its own block \(spelling.debugDescription)")
        }
        let bucket = IPAddressRange.bucket(for: address)
        if own.prefixLength == 32 {
            guard bucket == spelling else { propertyFailed("IPv4 \(spelling) counted under \(bucket.debugDescription)") }
        } else {
            guard bucket.hasSuffix("/64"), let site = IPAddressRange(bucket), site.contains(address) else {
                propertyFailed("IPv6 \(spelling) counted under \(bucket.debugDescription), not a /64 that holds it")
            }
        }
    } else {
        // Not an address: counted under its own text, and in no block.
        guard IPAddressRange.bucket(for: address) == address else { propertyFailed("a non-address's bucket changed it: \(address.debugDescription)") }
        if let block = IPAddressRange(blockText), block.contains(address) { propertyFailed("\(block) holds the non-address \(address.debugDescription)") }
    }
    return 0
}

@_cdecl("FuzzIPAddressRange_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzIPAddressRange)
}
