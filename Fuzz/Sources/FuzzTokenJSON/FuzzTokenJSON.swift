import Foundation
import FuzzSupport
@testable import WardenCore

/// The token readers that walk JSON without building a dictionary — the access-token claims
/// (`AccessTokenClaims(payload:)`) and the JWS header (`JOSEHeader`) — against the generic
/// `StrictJSONParser`, the differential issue 17 asks for: the same inputs refused as JSON, and
/// the same values read (a member of the wrong type reads as absent in the header).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTokenJSON(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = Array(UnsafeRawBufferPointer(start: start, count: count))
    let object = (try? StrictJSONParser().parse(bytes))?.objectValue
    let text = String(decoding: bytes, as: UTF8.self).debugDescription

    // Claims: a refusal as `malformed` means "not strict JSON"; any other is about a claim.
    do {
        let claims = try AccessTokenClaims(payload: bytes)
        guard let object else { propertyFailed("claims read from what the parser refuses: \(text)") }
        guard object["iss"]?.stringValue == claims.issuer, object["sub"]?.stringValue == claims.subject,
            object["jti"]?.stringValue == claims.tokenID, object["client_id"]?.stringValue == claims.clientID
        else { propertyFailed("claims differ from the parser's values: \(text)") }
        let audience = object["aud"]?.stringValue.map { [$0] } ?? object["aud"]?.arrayValue?.compactMap(\.stringValue)
        guard audience == claims.audience else { propertyFailed("aud differs: \(text)") }
        guard object["exp"]?.numberValue.map(Date.init(timeIntervalSince1970:)) == claims.expiresAt else { propertyFailed("exp differs: \(text)") }
    } catch {
        guard (error.reason == .malformed) == (object == nil) else {
            propertyFailed("claims reader \(error.reason == .malformed ? "refuses" : "accepts") JSON the parser \(object == nil ? "refuses" : "accepts"): \(text)")
        }
    }

    // Header: accepted exactly when the parser accepts an object; alg/typ/kid as its strings.
    let header = try? JOSEHeader(json: bytes)
    guard (header != nil) == (object != nil) else { propertyFailed("header reader and parser disagree: \(text)") }
    if let header, let object {
        guard header.algorithm == object["alg"]?.stringValue, header.type == object["typ"]?.stringValue,
            header.keyID == object["kid"]?.stringValue, header.hasCritical == (object["crit"] != nil)
        else { propertyFailed("header values differ: \(text)") }
    }
    return 0
}

@_cdecl("FuzzTokenJSON_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzTokenJSON)
}
