import WardenCore

/// StrictJSONParser (hand-written; reads every token's header and claims): never crashes, and a
/// value it accepts serializes to text it accepts again as the same value.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSON(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let input = Array(UnsafeRawBufferPointer(start: start, count: count))
    guard let value = try? StrictJSONParser().parse(input) else { return 0 }
    let text = value.serialized()
    guard let again = try? StrictJSONParser().parse(text) else { fatalError("its own output refused: \(String(decoding: text, as: UTF8.self))") }
    guard again.serialized() == text else { fatalError("not stable: \(String(decoding: text, as: UTF8.self))") }
    return 0
}

// SwiftPM links an executable's entry point as `FuzzJSON_main` (`--defsym main=…`), so the entry
// is ours and hands over to libFuzzer's driver (LLVMFuzzerRunDriver, libFuzzer's documented API).
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafeRawPointer, Int) -> CInt
) -> CInt

@_cdecl("FuzzJSON_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var argc = argc
    var argv = argv
    return runFuzzerDriver(&argc, &argv, fuzzJSON)
}
