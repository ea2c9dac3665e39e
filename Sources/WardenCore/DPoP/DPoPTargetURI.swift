import Foundation

/// The form in which a proof's `htu` and the request's URI are compared (RFC 9449 §4.3 step 9):
/// without query and fragment, after RFC 3986 syntax-based normalisation (§6.2.2: case of the
/// scheme and host, percent-encoding in upper case and unreserved characters decoded, dot
/// segments removed) and scheme-based normalisation (§6.2.3: the default port dropped, an empty
/// path as `/`). Foundation parses; the normalisation is written here because no listed library
/// does it.
public enum DPoPTargetURI {
    /// `text` normalised, or `nil` when it is not an absolute http(s) URI with a host (or carries
    /// user information, which an `htu` never does).
    public static func normalized(_ text: String) -> String? {
        guard let target = HTTPTargetURI(text) else { return nil }
        let path = removingDotSegments(normalizingPercentEncoding(target.path))
        return target.scheme + "://" + target.authority + (path.isEmpty ? "/" : path)
    }

    /// RFC 3986 §6.2.2.1–2: `%xx` in upper case; an encoded unreserved character decoded.
    static func normalizingPercentEncoding(_ path: String) -> String {
        let bytes = Array(path.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "%"), index + 2 < bytes.count,
                let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2])
            {
                let byte = high << 4 | low
                if isUnreserved(byte) {
                    output.append(byte)
                } else {
                    output += Array(String(format: "%%%02X", byte).utf8)
                }
                index += 3
            } else {
                output.append(bytes[index])
                index += 1
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// RFC 3986 §5.2.4, as written there.
    static func removingDotSegments(_ path: String) -> String {
        var input = Substring(path)
        var output: [Substring] = []
        while !input.isEmpty {
            if input.hasPrefix("../") {
                input = input.dropFirst(3)
            } else if input.hasPrefix("./") {
                input = input.dropFirst(2)
            } else if input.hasPrefix("/./") {
                input = input.dropFirst(2)
            } else if input == "/." {
                input = "/"
            } else if input.hasPrefix("/../") {
                input = input.dropFirst(3)
                if !output.isEmpty { output.removeLast() }
            } else if input == "/.." {
                input = "/"
                if !output.isEmpty { output.removeLast() }
            } else if input == "." || input == ".." {
                input = ""
            } else {
                // The first segment, with its leading "/" if any, up to the next "/".
                let start = input.hasPrefix("/") ? input.index(after: input.startIndex) : input.startIndex
                let end = input[start...].firstIndex(of: "/") ?? input.endIndex
                output.append(input[..<end])
                input = input[end...]
            }
        }
        return output.joined()
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    private static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
            true
        default:
            false
        }
    }
}
