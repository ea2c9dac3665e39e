import FuzzSupport
@testable import WardenCore

/// `Cache-Control` from the JWKS server (hand-written, RFC 9111 §5.2.2): never a trap, never a
/// negative lifetime; `no-store`/`no-cache` anywhere mean 0; and a lifetime read is a
/// `max-age` that the header really holds.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCacheControl(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let header = String(decoding: UnsafeRawBufferPointer(start: start, count: count), as: UTF8.self)
    guard let seconds = CacheControlMaxAge.seconds(in: header) else { return 0 }
    guard seconds >= 0 else { propertyFailed("negative: \(header.debugDescription)") }
    let lowered = header.lowercased()
    if seconds == 0, lowered.contains("no-store") || lowered.contains("no-cache") { return 0 }
    guard lowered.contains("max-age") else { propertyFailed("a lifetime without max-age: \(header.debugDescription)") }
    if seconds != Int.max, !header.contains(String(seconds)) { propertyFailed("\(seconds) is not in \(header.debugDescription)") }
    return 0
}

@_cdecl("FuzzCacheControl_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzCacheControl)
}
