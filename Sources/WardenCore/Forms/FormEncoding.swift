import Foundation

/// `application/x-www-form-urlencoded` bodies for OAuth requests (RFC 6749 Appendix B): every
/// character but RFC 3986's unreserved ASCII ones percent-encoded, so `+`, `&`, `=` and non-ASCII
/// text survive.
public enum FormEncoding {
    /// RFC 3986 §2.3 unreserved characters, ASCII only.
    static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    public static func encode(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: unreserved) ?? ""
    }

    /// `name=value&…`, in the order given.
    public static func encode(_ pairs: [(String, String)]) -> String {
        pairs.map { "\(encode($0.0))=\(encode($0.1))" }.joined(separator: "&")
    }
}
