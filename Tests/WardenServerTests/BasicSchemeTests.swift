import Testing
@testable import WardenServerHummingbird

/// `OAuthFormRequest.isBasicScheme` against the rule it implements (RFC 9110 §11.1: the scheme
/// is case-insensitive, in ASCII): every byte at every position of `Basic`, and other lengths.
@Suite struct BasicSchemeTests {
    @Test func everyByteAtEveryPosition() {
        let basic = Array("Basic".utf8)
        for position in basic.indices {
            for byte in UInt8.min...UInt8.max {
                var scheme = basic
                scheme[position] = byte
                let lowered = (0x41...0x5A).contains(byte) ? byte | 0x20 : byte
                let expected = lowered == Array("basic".utf8)[position]
                let text = String(decoding: scheme, as: UTF8.self)
                // Bytes that are not UTF-8 on their own never reach here as such (the header is a
                // String); the decoded text is what a request could carry.
                guard Array(text.utf8) == scheme else { continue }
                #expect(OAuthFormRequest.isBasicScheme(text[...].utf8) == expected, "\(byte) at \(position)")
            }
        }
        for scheme in ["", "Basi", "Basicc", " Basic", "BASIC", "bAsIc", "Basic "] {
            let expected = scheme.lowercased() == "basic"
            #expect(OAuthFormRequest.isBasicScheme(scheme[...].utf8) == expected, "\(scheme)")
        }
        // A substring in the middle of a header, as the caller passes it.
        let header = "Basic dXNlcjpwYXNz"
        #expect(OAuthFormRequest.isBasicScheme(header.utf8[..<header.utf8.firstIndex(of: 0x20)!]))
    }
}
