import Foundation
import RawStructuredFieldValues

/// The signature base of a request (RFC 9421 §2.5): one line per covered component, `"name":
/// value`, then the `"@signature-params"` line. Derived components for requests per §2.2;
/// header fields per §2.1 (combined values, `;sf`, `;key`, `;bs`).
enum SignatureBase {
    static func make(_ input: SignatureInput, for request: SignableRequest) throws(HTTPSignatureError) -> [UInt8] {
        var lines: [String] = []
        lines.reserveCapacity(input.components.count + 1)
        var parts: HTTPTargetURI?
        for component in input.components {
            let value: String
            if component.isDerived {
                if parts == nil, component.name != "@method" {
                    guard let parsed = request.targetParts() else { throw HTTPSignatureError(.componentUnavailable, detail: "the target URI is not absolute") }
                    parts = parsed
                }
                value = try derivedValue(component, request: request, parts: parts)
            } else {
                value = try fieldValue(component, request: request)
            }
            // §2.5: a value with a newline would forge another line.
            guard !value.utf8.contains(where: { $0 == 0x0A || $0 == 0x0D }) else {
                throw HTTPSignatureError(.componentUnavailable, detail: "\(component.name) holds a line break")
            }
            lines.append(try component.serialized() + ": " + value)
        }
        lines.append("\"@signature-params\": " + (try input.serialized()))
        return Array(lines.joined(separator: "\n").utf8)
    }

    /// §2.2, the request's derived components. `@query-param`, `@status` and
    /// `@request-response` are not supported here (refused, never guessed).
    static func derivedValue(_ component: SignatureComponent, request: SignableRequest, parts: HTTPTargetURI?) throws(HTTPSignatureError) -> String {
        guard component.parameters.isEmpty else {
            throw HTTPSignatureError(.componentUnavailable, detail: "\(component.name) with parameters is not supported")
        }
        switch (component.name, parts) {
        case ("@method", _): return request.method
        case ("@target-uri", _): return request.targetURI
        case ("@authority", let parts?): return parts.authority
        case ("@scheme", let parts?): return parts.scheme
        case ("@request-target", let parts?): return parts.path + (parts.query.map { "?" + $0 } ?? "")
        case ("@path", let parts?): return parts.path
        // §2.2.7: "?" and the query, "?" alone when there is none.
        case ("@query", let parts?): return "?" + (parts.query ?? "")
        case ("@signature-params", _): throw HTTPSignatureError(.malformed, detail: "@signature-params cannot be covered")
        default: throw HTTPSignatureError(.componentUnavailable, detail: "\(component.name) is not a supported derived component")
        }
    }

    /// §2.1: the field's values, each trimmed, joined with ", "; `;sf` re-serialized strictly,
    /// `;key` one member of a dictionary field, `;bs` each value as a byte sequence.
    static func fieldValue(_ component: SignatureComponent, request: SignableRequest) throws(HTTPSignatureError) -> String {
        let name = component.name
        // §2.1: field names are lowercase in component identifiers.
        guard name == name.lowercased(), name.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: ":") }) else {
            throw HTTPSignatureError(.malformed, detail: "component name \(name) is not a lowercase field name")
        }
        var structured = false
        var byteSequence = false
        var key: String?
        for (parameter, value) in component.parameters {
            switch (parameter, value) {
            case ("sf", .bool(true)): structured = true
            case ("bs", .bool(true)): byteSequence = true
            case ("key", .string(let member)): key = member
            default: throw HTTPSignatureError(.componentUnavailable, detail: "parameter \(parameter) of \(name) is not supported")
            }
        }
        guard !(byteSequence && (structured || key != nil)) else { throw HTTPSignatureError(.malformed, detail: "bs with sf or key on \(name)") }
        let values = request.values(of: name).map(trimmingOWS)
        guard !values.isEmpty else { throw HTTPSignatureError(.componentUnavailable, detail: "no \(name) field") }
        // Frameworks hand field values over as Swift strings, decoding bytes that are not UTF-8
        // lossily (U+FFFD): two different values on the wire could then pass under one
        // signature. A covered value must be visible ASCII, SP or HTAB (RFC 9110 §5.5 without
        // obs-text), `;bs` or not (its bytes are not known exactly either).
        for value in values where !value.utf8.allSatisfy({ ($0 >= 0x20 && $0 < 0x7F) || $0 == 0x09 }) {
            throw HTTPSignatureError(.componentUnavailable, detail: "\(name) holds bytes other than visible ASCII")
        }
        if byteSequence {
            return values.map { ":" + Data($0.utf8).base64EncodedString() + ":" }.joined(separator: ", ")
        }
        let combined = values.joined(separator: ", ")
        if let key {
            var parser = StructuredFieldValueParser(Array(combined.utf8))
            guard let map = try? parser.parseDictionaryFieldValue() else { throw HTTPSignatureError(.componentUnavailable, detail: "\(name) is not a dictionary") }
            guard let member = map[key] else { throw HTTPSignatureError(.componentUnavailable, detail: "\(name) has no member \(key)") }
            var serializer = StructuredFieldValueSerializer()
            let bytes: [UInt8]?
            switch member {
            case .item(let item): bytes = try? serializer.writeItemFieldValue(item)
            case .innerList: bytes = try? serializer.writeListFieldValue([member])
            }
            guard let bytes else { throw HTTPSignatureError(.componentUnavailable, detail: "\(name);key cannot be serialized") }
            return String(decoding: bytes, as: UTF8.self)
        }
        if structured {
            guard let type = structuredTypes[name] else { throw HTTPSignatureError(.componentUnavailable, detail: "\(name) is not a known structured field") }
            var parser = StructuredFieldValueParser(Array(combined.utf8))
            var serializer = StructuredFieldValueSerializer()
            let bytes: [UInt8]?
            switch type {
            case .dictionary: bytes = (try? parser.parseDictionaryFieldValue()).flatMap { try? serializer.writeDictionaryFieldValue($0) }
            case .list: bytes = (try? parser.parseListFieldValue()).flatMap { try? serializer.writeListFieldValue($0) }
            case .item: bytes = (try? parser.parseItemFieldValue()).flatMap { try? serializer.writeItemFieldValue($0) }
            }
            guard let bytes else { throw HTTPSignatureError(.componentUnavailable, detail: "\(name) is not a valid structured field") }
            return String(decoding: bytes, as: UTF8.self)
        }
        return combined
    }

    /// Without leading and trailing SP and HTAB (RFC 9110 §5.5's OWS; RFC 9421 §2.1). Over bytes:
    /// Foundation's `trimmingCharacters` bridged through NSString cost ~10 % of a signed request.
    static func trimmingOWS(_ value: String) -> String {
        let utf8 = value.utf8
        let isOWS = { (byte: UInt8) in byte == 0x20 || byte == 0x09 }
        guard let first = utf8.firstIndex(where: { !isOWS($0) }), let last = utf8.lastIndex(where: { !isOWS($0) }) else { return "" }
        if first == utf8.startIndex, last == utf8.index(before: utf8.endIndex) { return value }
        return String(Substring(value.utf8[first...last]))
    }

    enum StructuredType { case dictionary, list, item }

    /// Structured fields whose type is known here (RFC 9421, RFC 9530, RFC 9651's examples).
    static let structuredTypes: [String: StructuredType] = [
        "content-digest": .dictionary, "repr-digest": .dictionary, "want-content-digest": .dictionary, "want-repr-digest": .dictionary,
        "signature": .dictionary, "signature-input": .dictionary, "accept-signature": .dictionary,
        "priority": .dictionary, "cache-status": .list, "proxy-status": .list,
    ]
}
