import RawStructuredFieldValues

/// An RFC 9651 bare item as the RFC 8941 item RFC 9421 is written against, or `nil` for the
/// two types RFC 9651 added (dates `@…`, display strings `%"…"`), which no signature field
/// uses. swift-http-structured-headers parses RFC 9651; its RFC 8941 accessors (`bareItem`,
/// `parameters`) convert with `try!` and trap on those two types — a request header would bring
/// the process down (found by Fuzz/FuzzSignatureFields, issue 17). So Warden reads only the
/// `rfc9651…` members and converts here.
enum RFC8941Value {
    static func bareItem(_ item: RFC9651BareItem) -> BareItem? {
        switch item {
        case .bool(let value): .bool(value)
        case .integer(let value): Int(exactly: value).map(BareItem.integer)
        case .decimal(let value): .decimal(value)
        case .string(let value): .string(value)
        case .undecodedByteSequence(let value): .undecodedByteSequence(value)
        case .token(let value): .token(value)
        case .date, .displayString: nil
        }
    }

    /// Parameters in order, or `nil` when one is of a type RFC 8941 does not have.
    static func parameters(_ parameters: OrderedMap<String, RFC9651BareItem>) -> [(String, BareItem)]? {
        var converted: [(String, BareItem)] = []
        for (key, value) in parameters {
            guard let item = bareItem(value) else { return nil }
            converted.append((key, item))
        }
        return converted
    }
}
