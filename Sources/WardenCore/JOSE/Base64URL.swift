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
        if count % 4 == 1 { return nil }
        let outputCount = count * 3 / 4
        return decodeTable.withUnsafeBufferPointer { table -> [UInt8]? in
            var valid = true
            let output = [UInt8](unsafeUninitializedCapacity: outputCount) { out, initialized in
                var accumulator: UInt32 = 0
                var bits = 0
                var written = 0
                var lastValue: UInt8 = 0
                for byte in input {
                    let value = table[Int(byte)]
                    if value == 0xFF { valid = false; break }
                    lastValue = value
                    accumulator = (accumulator << 6) | UInt32(value)
                    bits += 6
                    if bits >= 8 {
                        bits -= 8
                        out[written] = UInt8(truncatingIfNeeded: accumulator >> UInt32(bits))
                        written += 1
                    }
                }
                // Canonical form: the bits left over after the last whole byte must be zero.
                if valid {
                    switch count % 4 {
                    case 2: valid = lastValue & 0x0F == 0
                    case 3: valid = lastValue & 0x03 == 0
                    default: break
                    }
                }
                initialized = valid ? written : 0
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
