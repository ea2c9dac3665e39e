import Foundation
import RawStructuredFieldValues

/// The `Signature-Input` and `Signature` fields of a request (RFC 9421 §4.1, §4.2), parsed as
/// RFC 8941 dictionaries by swift-http-structured-headers, with limits.
struct SignatureFields {
    let inputs: [String: SignatureInput]
    let signatures: [String: [UInt8]]
    /// Labels in the order `Signature-Input` gave them.
    let labels: [String]

    /// The most bytes either field may have; more is refused before parsing.
    static let maximumFieldSize = 8 * 1024

    init(inputLines: [String], signatureLines: [String]) throws(HTTPSignatureError) {
        let input = try Self.dictionary(inputLines, name: "Signature-Input")
        let signature = try Self.dictionary(signatureLines, name: "Signature")
        var inputs: [String: SignatureInput] = [:]
        var labels: [String] = []
        for (label, member) in input {
            inputs[label] = try SignatureInput(member: member)
            labels.append(label)
        }
        var signatures: [String: [UInt8]] = [:]
        for (label, member) in signature {
            guard case .item(let item) = member, case .undecodedByteSequence(let encoded) = item.rfc9651BareItem,
                let bytes = ByteSequence.decode(encoded)
            else { throw HTTPSignatureError(.malformed, detail: "a Signature member must be a byte sequence") }
            signatures[label] = bytes
        }
        self.inputs = inputs
        self.signatures = signatures
        self.labels = labels
    }

    /// Several field lines are one list (RFC 9110 §5.3); a label given twice is refused (RFC
    /// 8941 §4.2.2 would keep the last one silently: the parser does, so duplicates are found
    /// by ``DictionaryKeys``).
    static func dictionary(_ lines: [String], name: String) throws(HTTPSignatureError) -> OrderedMap<String, ItemOrInnerList> {
        let combined = lines.joined(separator: ", ")
        guard combined.utf8.count <= maximumFieldSize else { throw HTTPSignatureError(.malformed, detail: "\(name) larger than \(maximumFieldSize) bytes") }
        let bytes = Array(combined.utf8)
        var parser = StructuredFieldValueParser(bytes)
        guard let map = try? parser.parseDictionaryFieldValue() else { throw HTTPSignatureError(.malformed, detail: "\(name) is not a structured dictionary") }
        guard DictionaryKeys.count(in: bytes) == map.count else { throw HTTPSignatureError(.malformed, detail: "\(name) names a label twice") }
        return map
    }
}
