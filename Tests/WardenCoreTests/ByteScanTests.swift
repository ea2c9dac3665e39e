import Testing

@testable import WardenCore

/// The vectorized byte scans against the obvious byte-by-byte answers: every byte value at the
/// start, middle and end of buffers around vector widths and unrolled loops' strides (the loops'
/// tails), and random buffers (a failure names the buffer).
struct ByteScanTests {
    static let b64TokenCharacters = Set(("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~+/").utf8)

    static func expectAgreement(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { buffer in
            #expect(ByteScan.isPrintableASCII(buffer) == bytes.allSatisfy { $0 >= 0x20 && $0 < 0x7F }, "\(bytes)")
            #expect(ByteScan.isASCII(buffer) == bytes.allSatisfy { $0 < 0x80 }, "\(bytes)")
            #expect(ByteScan.contains(UInt8(ascii: "%"), or: UInt8(ascii: "+"), in: buffer) == bytes.contains { $0 == 0x25 || $0 == 0x2B }, "\(bytes)")
            for needle: UInt8 in [0x00, 0x26, 0x3D, 0xFF] {
                #expect(ByteScan.firstIndex(of: needle, in: buffer) == bytes.firstIndex(of: needle), "\(bytes)")
            }
        }
    }

    @Test func everyByteAtEveryPositionOfShortBuffers() {
        for length in [1, 2, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 129, 255, 256, 257] {
            for position in [0, length / 2, length - 1] {
                for byte in UInt8.min...UInt8.max {
                    var bytes = [UInt8](repeating: UInt8(ascii: "a"), count: length)
                    bytes[position] = byte
                    Self.expectAgreement(bytes)
                }
            }
        }
    }

    @Test func emptyAndRandomBuffers() {
        Self.expectAgreement([])
        var generator = SystemRandomNumberGenerator()
        let tokenCharacters = Array(Self.b64TokenCharacters)
        // Mostly token characters, so that the "every byte passes" answers come up too.
        let pool = tokenCharacters + [0x20, 0x25, 0x26, 0x3D, 0x7F, 0x80, 0xC3, 0xFF]
        for _ in 0..<2_000 {
            let length = Int.random(in: 0...700, using: &generator)
            let rare = Int.random(in: 0...3, using: &generator) == 0
            let bytes = (0..<length).map { _ in (rare ? pool : tokenCharacters).randomElement(using: &generator)! }
            Self.expectAgreement(bytes)
        }
    }
}
