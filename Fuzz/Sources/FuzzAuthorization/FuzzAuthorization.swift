import WardenCore

/// The Authorization header scan (hand-written, one pass over bytes): never crashes, and a token
/// it returns is a b64token that appears in the header, after the scheme.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzAuthorization(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let header = String(decoding: UnsafeRawBufferPointer(start: start, count: count), as: UTF8.self)
    var configuration = BearerAuthenticatorConfiguration(realm: "fuzz")
    configuration.dpop = count % 2 == 0 ? DPoPAcceptance(externalBaseURL: "https://api.example") : nil
    guard let presented = try? BearerCredentials(configuration: configuration).presented(authorizationHeaders: [header], queryTokens: []) else { return 0 }
    guard BearerCredentials.isB64Token(presented.value), header.contains(presented.value) else { fatalError("a token that is not one: \(header.debugDescription)") }
    return 0
}

// SwiftPM links an executable's entry point as `FuzzAuthorization_main` (`--defsym main=…`), so the entry
// is ours and hands over to libFuzzer's driver (LLVMFuzzerRunDriver, libFuzzer's documented API).
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafeRawPointer, Int) -> CInt
) -> CInt

@_cdecl("FuzzAuthorization_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var argc = argc
    var argv = argv
    return runFuzzerDriver(&argc, &argv, fuzzAuthorization)
}
