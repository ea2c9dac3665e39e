// Written by hand on purpose: jwt-kit's and Foundation's base64url decoders accept `=` padding
// and non-canonical encodings (set trailing bits), so the same token has many spellings.
// RFC 7515 §2 and §3.1 define the JWS compact serialization over unpadded base64url
// (RFC 4648 §5); Warden accepts exactly one spelling of every byte string.

/// Strict, canonical base64url (RFC 4648 §5, no padding) as JWS compact serialization uses it.
public enum Base64URL {
    /// Decodes `input`, refusing padding, characters outside the URL-safe alphabet, an impossible
    /// length and non-zero trailing bits. Returns `nil` for anything that is not canonical.
    public static func decodeCanonical(_ input: some Collection<UInt8>) -> [UInt8]? {
        if let result = input.withContiguousStorageIfAvailable({ decodeCanonical(buffer: $0) }) { return result }
        return Array(input).withUnsafeBufferPointer { decodeCanonical(buffer: $0) }
    }

    private static func decodeCanonical(buffer input: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        let count = input.count
        let tail = count % 4
        if tail == 1 { return nil }  // 6 bits cannot end a byte string
        let outputCount = count / 4 * 3 + (tail == 0 ? 0 : tail - 1)
        return decodeTable.withUnsafeBufferPointer { table -> [UInt8]? in
            var valid = true
            let output = [UInt8](unsafeUninitializedCapacity: outputCount) { out, initialized in
                // Whole quanta: four characters, 24 bits, three bytes. Table entries are 0...63;
                // 0xFF marks a byte outside the alphabet, caught by the high bits of the OR.
                var read = 0
                var written = 0
                while read < count - tail {
                    let a = table[Int(input[read])], b = table[Int(input[read + 1])]
                    let c = table[Int(input[read + 2])], d = table[Int(input[read + 3])]
                    if (a | b | c | d) & 0xC0 != 0 {
                        valid = false
                        break
                    }
                    out[written] = a << 2 | b >> 4
                    out[written + 1] = b << 4 | c >> 2
                    out[written + 2] = c << 6 | d
                    read += 4
                    written += 3
                }
                // A final partial quantum (RFC 4648 §3.5, canonical): the bits after its last
                // whole byte must be zero, or the same bytes would have more than one spelling.
                if valid, tail > 0 {
                    let a = table[Int(input[read])], b = table[Int(input[read + 1])]
                    let c = tail == 3 ? table[Int(input[read + 2])] : 0
                    if (a | b | c) & 0xC0 != 0 {
                        valid = false
                    } else if tail == 2 {
                        valid = b & 0x0F == 0
                        out[written] = a << 2 | b >> 4
                    } else {
                        valid = c & 0x03 == 0
                        out[written] = a << 2 | b >> 4
                        out[written + 1] = b << 4 | c >> 2
                    }
                }
                initialized = valid ? outputCount : 0
            }
            return valid ? output : nil
        }
    }

    /// Encodes `bytes` as unpadded base64url.
    public static func encode(_ bytes: some Sequence<UInt8>) -> String {
        var output = [UInt8]()
        var accumulator: UInt32 = 0
        var bits = 0
        for byte in bytes {
            accumulator = (accumulator << 8) | UInt32(byte)
            bits += 8
            while bits >= 6 {
                bits -= 6
                output.append(encodeTable[Int((accumulator >> UInt32(bits)) & 0x3F)])
            }
        }
        if bits > 0 {
            output.append(encodeTable[Int((accumulator << UInt32(6 - bits)) & 0x3F)])
        }
        return String(decoding: output, as: UTF8.self)
    }

    private static let encodeTable: [UInt8] = Array(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8
    )

    private static let decodeTable: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (index, character) in encodeTable.enumerated() {
            table[Int(character)] = UInt8(index)
        }
        return table
    }()
}
