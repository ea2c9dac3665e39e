#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#elseif canImport(Android)
import Android
#elseif canImport(ucrt)
import ucrt
#endif

/// Scans over the bytes of a request (a token, a form body: ~600 bytes each, several times per
/// request) written so that they run many bytes at a time (issue 16): a byte search is libc's
/// `memchr`, a check is a branch-free reduction the compiler vectorizes, where a loop that stops
/// at the first hit goes byte by byte (`Collection.firstIndex(of:)`, `allSatisfy`). No listed
/// library offers these over raw buffers; each is a few lines. (A b64token's characters stay a
/// table lookup per byte in `BearerCredentials`: written as range comparisons the check did not
/// vectorize and ran 1–3.5× slower, measured on 612 bytes.)
public enum ByteScan {
    /// The offset of the first `byte` in `bytes`, or `nil`.
    public static func firstIndex(of byte: UInt8, in bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        guard let base = bytes.baseAddress, !bytes.isEmpty, let found = memchr(base, Int32(byte), bytes.count) else { return nil }
        return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
    }

    /// Whether every byte is printable ASCII (0x20–0x7E), as form encoding is.
    public static func isPrintableASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var outside: UInt8 = 0
        // 0x20–0x7E shifted down by 0x20 is 0x00–0x5E: anything else is above it (wrapping).
        for byte in bytes { outside |= (byte &- 0x20) > 0x5E ? 1 : 0 }
        return outside == 0
    }

    /// Whether every byte is ASCII (below 0x80).
    public static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var all: UInt8 = 0
        for byte in bytes { all |= byte }
        return all < 0x80
    }

    /// Whether any byte is `first` or `second`.
    public static func contains(_ first: UInt8, or second: UInt8, in bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var found: UInt8 = 0
        for byte in bytes { found |= (byte == first ? 1 : 0) | (byte == second ? 1 : 0) }
        return found != 0
    }
}
