/// What a route (or a group of routes) demands of a token's scopes.
///
/// All-of is the default, as FastAPI's `Security(scopes=[...])`; any-of and nesting compose:
/// ```swift
/// let requirement: ScopeRequirement = .allOf("me", "items")
/// let either: ScopeRequirement = .anyOf(.allOf("admin"), .allOf("me", "items"))
/// ```
/// Requirements added together (``adding(_:)``) must all hold; that is how route groups add up.
public struct ScopeRequirement: Hashable, Sendable, CustomStringConvertible {
    private indirect enum Node: Hashable, Sendable {
        case scopes(ScopeSet)
        case all([Node])
        case any([Node])
    }

    private let node: Node

    private init(_ node: Node) { self.node = node }

    /// No scopes required: any valid token satisfies it.
    public static let none = ScopeRequirement(.scopes([]))

    /// Every one of `scopes` is required.
    public static func allOf(_ scopes: ScopeSet) -> ScopeRequirement { ScopeRequirement(.scopes(scopes)) }
    public static func allOf(_ scopes: Scope...) -> ScopeRequirement { allOf(ScopeSet(scopes)) }

    /// Every one of `requirements` must hold.
    public static func allOf(_ requirements: [ScopeRequirement]) -> ScopeRequirement {
        ScopeRequirement(.all(requirements.map(\.node))).simplified()
    }

    /// At least one of `requirements` must hold.
    public static func anyOf(_ requirements: [ScopeRequirement]) -> ScopeRequirement {
        ScopeRequirement(.any(requirements.map(\.node)))
    }
    public static func anyOf(_ requirements: ScopeRequirement...) -> ScopeRequirement { anyOf(requirements) }

    /// This requirement and `other`, both: how a route inside a scoped group adds up.
    public func adding(_ other: ScopeRequirement) -> ScopeRequirement {
        .allOf([self, other])
    }

    /// Whether a token granted `granted` meets this requirement.
    public func isSatisfied(by granted: ScopeSet) -> Bool { Self.evaluate(node, granted) }

    /// Every scope this requirement mentions: the `scope` attribute of a challenge (RFC 6750 §3)
    /// and what a 403 reports.
    public var mentionedScopes: ScopeSet { Self.collect(node) }

    /// The alternatives, each a set of scopes that alone satisfies the requirement (disjunctive
    /// normal form): OpenAPI security requirements are exactly this shape (any-of of all-of).
    public var alternatives: [ScopeSet] { Self.alternatives(node) }

    public var description: String { Self.render(node) }

    /// Whether more than one set of scopes can satisfy it (an `any` with differing branches):
    /// what ``alternatives`` would tell, without building them.
    public var hasAlternatives: Bool {
        if case .scopes = node { return false }  // the common case, on a 403's path: no allocation
        return Self.alternatives(node).count > 1
    }

    private func simplified() -> ScopeRequirement {
        // all-of only scope sets → one scope set.
        if case .all(let nodes) = node {
            var union = ScopeSet()
            for child in nodes {
                guard case .scopes(let set) = child else { return self }
                union = union.union(set)
            }
            return ScopeRequirement(.scopes(union))
        }
        return self
    }

    private static func evaluate(_ node: Node, _ granted: ScopeSet) -> Bool {
        switch node {
        case .scopes(let required): return required.isSubset(of: granted)
        case .all(let nodes): return nodes.allSatisfy { evaluate($0, granted) }
        case .any(let nodes): return nodes.contains { evaluate($0, granted) }
        }
    }

    private static func collect(_ node: Node) -> ScopeSet {
        switch node {
        case .scopes(let set): return set
        case .all(let nodes), .any(let nodes):
            return nodes.reduce(into: ScopeSet()) { $0 = $0.union(collect($1)) }
        }
    }

    private static func alternatives(_ node: Node) -> [ScopeSet] {
        switch node {
        case .scopes(let set): return [set]
        case .any(let nodes): return Array(Set(nodes.flatMap { alternatives($0) })).sorted { $0.description < $1.description }
        case .all(let nodes):
            var result: [ScopeSet] = [[]]
            for child in nodes {
                let childAlternatives = alternatives(child)
                result = result.flatMap { partial in childAlternatives.map { partial.union($0) } }
            }
            return Array(Set(result)).sorted { $0.description < $1.description }
        }
    }

    private static func render(_ node: Node) -> String {
        switch node {
        case .scopes(let set): return set.isEmpty ? "(any valid token)" : set.description
        case .all(let nodes): return "all(" + nodes.map(render).joined(separator: ", ") + ")"
        case .any(let nodes): return "any(" + nodes.map(render).joined(separator: ", ") + ")"
        }
    }
}
