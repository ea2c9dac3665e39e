import Foundation
import FuzzSupport
import WardenCore

/// The form-body parser (hand-written over bytes, every token request): each component decodes
/// as Foundation's `removingPercentEncoding` does after `+` → space (the differential), and a
/// body it accepts, encoded again, parses to the same parameters (the round trip).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzForm(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: start, count: count)
    let text = String(decoding: bytes, as: UTF8.self).debugDescription

    // Whole input as one component.
    let decoded = URLEncodedFormParameters.decodeComponent(Array(bytes))
    if let string = String(validating: Array(bytes), as: UTF8.self) {
        // `+` → space by scalar: replacingOccurrences matches characters, and "+" followed by a
        // combining mark is one character that is not "+".
        let spaced = String(String.UnicodeScalarView(string.unicodeScalars.map { $0 == "+" ? " " : $0 }))
        let reference = spaced.removingPercentEncoding
        // Foundation (swift-corelibs) turns escapes that are not UTF-8 into U+FFFD where Warden
        // refuses them: then Warden's nil is the stricter answer, not a difference.
        let lenient = decoded == nil && reference?.unicodeScalars.contains("\u{FFFD}") == true
        guard decoded == reference || lenient else { propertyFailed("component decodes as \(decoded.debugDescription), Foundation as \(reference.debugDescription): \(text)") }
    } else if decoded != nil, !bytes.contains(UInt8(ascii: "%")) {
        propertyFailed("invalid UTF-8 accepted: \(text)")
    }

    // Whole input as a body; `audience` may repeat.
    guard let parameters = try? URLEncodedFormParameters(parsing: bytes, repeatable: ["audience"]) else { return 0 }
    var pairs: [String] = []
    for (name, value) in parameters.values where name != "audience" { pairs.append(encode(name) + "=" + encode(value)) }
    for value in parameters.all("audience") { pairs.append("audience=" + encode(value)) }
    guard let again = try? URLEncodedFormParameters(parsing: pairs.joined(separator: "&"), repeatable: ["audience"]) else {
        propertyFailed("its own encoding refused: \(text)")
    }
    guard again.values == parameters.values, again.all("audience") == parameters.all("audience") else { propertyFailed("round trip differs: \(text)") }
    return 0
}

/// Every byte but the unreserved ones percent-encoded (the strictest form a client might send).
func encode(_ string: String) -> String {
    string.utf8.map { byte in
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
            String(UnicodeScalar(byte))
        default:
            "%" + String(byte, radix: 16, uppercase: true).leftPadded
        }
    }.joined()
}

extension String {
    var leftPadded: String { count == 1 ? "0" + self : self }
}

@_cdecl("FuzzForm_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzForm)
}
