import FuzzSupport
import WardenCore

/// The Authorization header scan (hand-written, one pass over bytes): never crashes, and a token
/// it returns is a b64token that appears in the header, after the scheme.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzAuthorization(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let header = String(decoding: UnsafeRawBufferPointer(start: start, count: count), as: UTF8.self)
    var configuration = BearerAuthenticatorConfiguration(realm: "fuzz")
    configuration.dpop = count % 2 == 0 ? DPoPAcceptance(externalBaseURL: "https://api.example") : nil
    guard let presented = try? BearerCredentials(configuration: configuration).presented(authorizationHeaders: [header], queryTokens: []) else { return 0 }
    guard BearerCredentials.isB64Token(presented.value), header.contains(presented.value) else { propertyFailed("a token that is not one: \(header.debugDescription)") }
    return 0
}

@_cdecl("FuzzAuthorization_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzAuthorization)
}
