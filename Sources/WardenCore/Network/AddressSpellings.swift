/// What the server keys a client address by (``IPAddressRange/spellings(of:)``): its one spelling
/// (``IPAddressRange/normalized(_:)``, `nil` when it is not an address) and its throttling bucket
/// (``IPAddressRange/bucket(for:)``: IPv4 itself, IPv6 its /64; the text itself when it is not an
/// address).
package struct AddressSpellings: Sendable {
    package let normalized: String?
    package let bucket: String

    package init(of address: String) {
        guard var bytes = IPAddressRange.bytes(of: address) else {
            normalized = nil
            bucket = address
            return
        }
        let text = IPAddressRange.text(of: bytes)
        normalized = text
        if bytes.count == 16 {
            for index in 8..<16 { bytes[index] = 0 }
            bucket = IPAddressRange.text(of: bytes) + "/64"
        } else {
            bucket = text
        }
    }
}
