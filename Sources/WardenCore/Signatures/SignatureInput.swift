import RawStructuredFieldValues

/// One signature's covered components and parameters (a member of `Signature-Input`, RFC 9421
/// §4.1): what its `@signature-params` line is made of.
public struct SignatureInput: Sendable {
    public var components: [SignatureComponent]
    /// In the order given; serialized in that order.
    var parameters: [(String, BareItem)]

    /// For signing: the parameters Warden writes, in RFC 9421's examples' order.
    public init(components: [SignatureComponent], created: Int?, keyID: String?, algorithm: HTTPSignatureAlgorithm?, nonce: String? = nil, expires: Int? = nil, tag: String? = nil) {
        self.components = components
        var parameters: [(String, BareItem)] = []
        if let created { parameters.append(("created", .integer(created))) }
        if let keyID { parameters.append(("keyid", .string(keyID))) }
        if let algorithm { parameters.append(("alg", .string(algorithm.rawValue))) }
        if let nonce { parameters.append(("nonce", .string(nonce))) }
        if let expires { parameters.append(("expires", .integer(expires))) }
        if let tag { parameters.append(("tag", .string(tag))) }
        self.parameters = parameters
    }

    init(components: [SignatureComponent], parameters: [(String, BareItem)]) {
        self.components = components
        self.parameters = parameters
    }

    public var created: Int? { integer("created") }
    public var expires: Int? { integer("expires") }
    public var keyID: String? { string("keyid") }
    public var algorithmName: String? { string("alg") }
    public var nonce: String? { string("nonce") }
    public var tag: String? { string("tag") }

    private func integer(_ name: String) -> Int? {
        if case .integer(let value)? = parameters.first(where: { $0.0 == name })?.1 { return value }
        return nil
    }

    private func string(_ name: String) -> String? {
        if case .string(let value)? = parameters.first(where: { $0.0 == name })?.1 { return value }
        return nil
    }

    var innerList: InnerList {
        var items = BareInnerList()
        for component in components { items.append(component.item) }
        var map = OrderedMap<String, BareItem>()
        for (key, value) in parameters { map[key] = value }
        return InnerList(bareInnerList: items, parameters: map)
    }

    /// The inner list as serialized into `Signature-Input` and the `@signature-params` line.
    public func serialized() throws(HTTPSignatureError) -> String {
        var serializer = StructuredFieldValueSerializer()
        guard let bytes = try? serializer.writeListFieldValue([.innerList(innerList)]) else {
            throw HTTPSignatureError(.malformed, detail: "signature parameters cannot be serialized")
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Reads a `Signature-Input` member (§4.1): an inner list of strings (component names with
    /// parameters), with `created`/`expires` integers and `keyid`/`alg`/`nonce`/`tag` strings.
    init(member: ItemOrInnerList) throws(HTTPSignatureError) {
        guard case .innerList(let list) = member else { throw HTTPSignatureError(.malformed, detail: "a Signature-Input member must be an inner list") }
        var components: [SignatureComponent] = []
        for item in list.bareInnerList {
            guard case .string(let name) = item.rfc9651BareItem, !name.isEmpty else {
                throw HTTPSignatureError(.malformed, detail: "a covered component must be a string")
            }
            guard let componentParameters = RFC8941Value.parameters(item.rfc9651Parameters) else {
                throw HTTPSignatureError(.malformed, detail: "a parameter of component \(name) is a date or display string")
            }
            let component = SignatureComponent(name: name, parameters: componentParameters)
            // §2.5: a component may be covered once.
            guard !components.contains(component) else { throw HTTPSignatureError(.malformed, detail: "component \(name) covered twice") }
            components.append(component)
        }
        var parameters: [(String, BareItem)] = []
        guard let listParameters = RFC8941Value.parameters(list.rfc9651Parameters) else {
            throw HTTPSignatureError(.malformed, detail: "a signature parameter is a date or display string")
        }
        for (key, value) in listParameters {
            switch (key, value) {
            case ("created", .integer), ("expires", .integer), ("keyid", .string), ("alg", .string), ("nonce", .string), ("tag", .string): break
            case ("created", _), ("expires", _), ("keyid", _), ("alg", _), ("nonce", _), ("tag", _):
                throw HTTPSignatureError(.malformed, detail: "signature parameter \(key) of the wrong type")
            default: break  // §2.3: other parameters are covered as given.
            }
            parameters.append((key, value))
        }
        self.init(components: components, parameters: parameters)
    }
}
