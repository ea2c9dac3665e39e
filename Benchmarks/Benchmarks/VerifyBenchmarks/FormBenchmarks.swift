import Benchmark
import WardenCore

/// Issue 16: the byte scans of a token endpoint's form body (an introspection request's body is
/// `token=` and a ~600-byte JWS), each beside the byte-by-byte loop it replaced, in the same run:
/// the printable-ASCII check, the search for `&`, the "anything to decode?" check, and the whole
/// parse. Each sample runs 1,000 scans, as the verify benchmarks do.
func formBenchmarks() {
    let token = String(repeating: "eyJhbGciOiJFUzI1NiIsImtpZCI6ImsxIn0.", count: 17)
    let body = Array("token=\(token)".utf8)

    func measure(_ name: String, _ scan: @escaping @Sendable (UnsafeBufferPointer<UInt8>) -> Int) {
        Benchmark(name) { benchmark in
            body.withUnsafeBufferPointer { bytes in
                benchmark.startMeasurement()
                for _ in benchmark.scaledIterations { blackHole(scan(bytes)) }
                benchmark.stopMeasurement()
            }
        }
    }

    measure("form 618 B: printable ASCII, byte by byte (allSatisfy)") { $0.allSatisfy { $0 >= 0x20 && $0 < 0x7F } ? 1 : 0 }
    measure("form 618 B: printable ASCII, ByteScan") { ByteScan.isPrintableASCII($0) ? 1 : 0 }
    measure("form 618 B: first '&', byte by byte (firstIndex)") { $0.firstIndex(of: UInt8(ascii: "&")) ?? -1 }
    measure("form 618 B: first '&', ByteScan (memchr)") { ByteScan.firstIndex(of: UInt8(ascii: "&"), in: $0) ?? -1 }
    measure("form 618 B: '%' or '+', byte by byte (contains)") { $0.contains { $0 == UInt8(ascii: "%") || $0 == UInt8(ascii: "+") } ? 1 : 0 }
    measure("form 618 B: '%' or '+', ByteScan") { ByteScan.contains(UInt8(ascii: "%"), or: UInt8(ascii: "+"), in: $0) ? 1 : 0 }
    measure("form 618 B: UTF-8, String(validating:)") { String(validating: $0, as: UTF8.self) == nil ? 0 : 1 }
    measure("form 618 B: ASCII, ByteScan") { ByteScan.isASCII($0) ? 1 : 0 }
    measure("form 618 B: ASCII, ByteScan, then String(decoding:)") { ByteScan.isASCII($0) ? String(decoding: $0, as: UTF8.self).utf8.count : 0 }
    // The resource server's scan of a bearer token (RFC 6750 §2.1's b64token), beside the
    // one-answer table loop it was before.
    let characters: [UInt8] = (0...255).map { byte in
        switch UInt8(byte) {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "+"), UInt8(ascii: "/"):
            1
        default:
            0
        }
    }
    measure("token 612 B: b64token, one answer per table lookup (before)") { bytes in
        let token = UnsafeBufferPointer(rebasing: bytes[6...])
        return characters.withUnsafeBufferPointer { table in
            var all: UInt8 = 1
            for index in 0..<token.count { all &= table[Int(token[index])] }
            return Int(all)
        }
    }
    measure("token 612 B: BearerCredentials.isB64Token") { _ in BearerCredentials.isB64Token(token) ? 1 : 0 }
    measure("form 618 B: URLEncodedFormParameters(parsing:)") { bytes in
        (try? URLEncodedFormParameters(parsing: UnsafeRawBufferPointer(bytes)))?.values.count ?? -1
    }
}
