import RawStructuredFieldValues

/// One covered component (RFC 9421 §2): a lowercase field name or a derived component (`@…`),
/// with its parameters as they were given (`sf`, `bs`, `key`, …), serialized into the base
/// exactly as the `Signature-Input` listed it.
public struct SignatureComponent: Sendable, Hashable {
    public let name: String
    /// Parameters in their order: only booleans (`sf`, `bs`) and strings (`key`) are used.
    let parameters: [(String, BareItem)]

    public init(_ name: String) {
        self.name = name
        self.parameters = []
    }

    init(name: String, parameters: [(String, BareItem)]) {
        self.name = name
        self.parameters = parameters
    }

    /// A field's member of a dictionary structured field (RFC 9421 §2.1.2, `;key="…"`).
    public static func dictionaryMember(_ field: String, key: String) -> SignatureComponent {
        SignatureComponent(name: field, parameters: [("key", .string(key))])
    }

    /// A structured field re-serialized strictly (RFC 9421 §2.1.1, `;sf`).
    public static func structuredField(_ field: String) -> SignatureComponent {
        SignatureComponent(name: field, parameters: [("sf", .bool(true))])
    }

    /// Each value of a field as a byte sequence (RFC 9421 §2.1.3, `;bs`).
    public static func byteSequence(_ field: String) -> SignatureComponent {
        SignatureComponent(name: field, parameters: [("bs", .bool(true))])
    }

    /// The component as a structured-field item (a string with parameters).
    var item: Item {
        var map = OrderedMap<String, BareItem>()
        for (key, value) in parameters { map[key] = value }
        return Item(bareItem: .string(name), parameters: map)
    }

    /// The component identifier as it opens its line of the signature base (§2.5).
    func serialized() throws(HTTPSignatureError) -> String {
        var serializer = StructuredFieldValueSerializer()
        guard let bytes = try? serializer.writeItemFieldValue(item) else {
            throw HTTPSignatureError(.malformed, detail: "component identifier cannot be serialized")
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The same identifier: the same name and parameters in the same order (what serializes alike).
    public static func == (lhs: SignatureComponent, rhs: SignatureComponent) -> Bool {
        lhs.name == rhs.name && lhs.parameters.count == rhs.parameters.count
            && zip(lhs.parameters, rhs.parameters).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(name)
        for (key, value) in parameters {
            hasher.combine(key)
            hasher.combine(value)
        }
    }

    var isDerived: Bool { name.hasPrefix("@") }

    func parameter(_ name: String) -> BareItem? {
        parameters.first { $0.0 == name }?.1
    }
}
