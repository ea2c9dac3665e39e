import FuzzSupport
import RawStructuredFieldValues
@testable import WardenCore

/// The RFC 9421 fields (`Signature-Input`, `Signature`) and RFC 9530's `Content-Digest`, parsed
/// by swift-http-structured-headers with Warden's hand-written parts around it: the duplicate
/// count (`DictionaryKeys`, a scan of the raw bytes, since the library keeps the last of two
/// equal keys silently) and the component and parameter checks (`SignatureInput`). The input is
/// split at its first NUL: the `Signature-Input` lines, then the `Signature` lines (also the
/// `Content-Digest` lines and the body), lines cut at LF.
/// - Nothing traps.
/// - The duplicate scan never counts fewer members than the library found, and on the
///   library's own serialization of what it parsed (no duplicates possible) counts exactly them.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSignatureFields(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let (first, second) = twoFields(UnsafeRawBufferPointer(start: start, count: count))
    let inputLines = String(decoding: first, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    let signatureLines = String(decoding: second, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    _ = try? SignatureFields(inputLines: inputLines, signatureLines: signatureLines)
    _ = try? ContentDigest.verify(signatureLines, body: first)

    var parser = StructuredFieldValueParser(first)
    guard let map = try? parser.parseDictionaryFieldValue() else { return 0 }
    guard DictionaryKeys.count(in: first) >= map.count else {
        propertyFailed("the scan counts fewer members than the library parsed: \(String(decoding: first, as: UTF8.self).debugDescription)")
    }
    var serializer = StructuredFieldValueSerializer()
    guard let canonical = try? serializer.writeDictionaryFieldValue(map) else { return 0 }
    guard DictionaryKeys.count(in: canonical) == map.count else {
        propertyFailed("the scan miscounts the library's own text \(String(decoding: canonical, as: UTF8.self).debugDescription)")
    }
    return 0
}

@_cdecl("FuzzSignatureFields_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzSignatureFields)
}
