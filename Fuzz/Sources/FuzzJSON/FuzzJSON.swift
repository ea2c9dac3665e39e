import FuzzSupport
import WardenCore

/// StrictJSONParser (hand-written; reads every token's header and claims): never crashes, and a
/// value it accepts serializes to text it accepts again as the same value.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSON(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let input = Array(UnsafeRawBufferPointer(start: start, count: count))
    guard let value = try? StrictJSONParser().parse(input) else { return 0 }
    let text = value.serialized()
    guard let again = try? StrictJSONParser().parse(text) else { propertyFailed("its own output refused: \(String(decoding: text, as: UTF8.self))") }
    guard again.serialized() == text else { propertyFailed("not stable: \(String(decoding: text, as: UTF8.self))") }
    return 0
}

@_cdecl("FuzzJSON_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzJSON)
}
