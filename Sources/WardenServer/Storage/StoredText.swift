public import WardenCore

/// How list-valued fields are kept in a text column, the same for every backend: grants and
/// scopes space-separated (their tokens contain no space, RFC 6749 §3.3), URIs and audiences
/// newline-separated (neither may contain one).
public enum StoredText {
    public static func text(_ grants: Set<GrantType>) -> String {
        grants.sorted().map(\.rawValue).joined(separator: " ")
    }

    public static func grants(_ text: String) -> Set<GrantType> {
        Set(text.split(separator: " ").map { GrantType(String($0)) })
    }

    public static func text(lines: [String]) -> String {
        lines.joined(separator: "\n")
    }

    public static func lines(_ text: String) -> [String] {
        text.isEmpty ? [] : text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    /// - Throws: ``StoreError/Code/corrupt`` for text outside the scope grammar.
    public static func scopes(_ text: String, column: String) throws(StoreError) -> ScopeSet {
        do { return try ScopeSet(parsing: text) } catch { throw StoreError(.corrupt, "column \(column) is not a scope list") }
    }

    /// A token lifetime kept as seconds.
    public static func lifetime(seconds: Double?) -> Duration? {
        seconds.map { .milliseconds(Int64(($0 * 1000).rounded())) }
    }
}
