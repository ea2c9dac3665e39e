import Foundation
import FuzzSupport
import WardenCore

/// Base64URL.decodeCanonical (hand-written, on every token's hot path): whatever it accepts
/// encodes back to exactly the input (one text per value), and agrees with Foundation's decoder
/// on the same text translated to standard base64 with padding.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzBase64URL(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let input = Array(UnsafeRawBufferPointer(start: start, count: count))
    guard let decoded = Base64URL.decodeCanonical(input) else { return 0 }
    guard Array(Base64URL.encode(decoded).utf8) == input else { propertyFailed("not canonical: \(input)") }
    var standard = String(decoding: input, as: UTF8.self).replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
    while standard.utf8.count % 4 != 0 { standard += "=" }
    guard let foundation = Data(base64Encoded: standard), Array(foundation) == decoded else { propertyFailed("Foundation decodes otherwise: \(input)") }
    return 0
}

@_cdecl("FuzzBase64URL_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzBase64URL)
}
