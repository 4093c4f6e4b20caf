import Provenance

/// Append helpers used to build JSON directly as bytes (no String building,
/// no Codable, no Foundation on the hot path).
extension ByteSink {
    /// Appends the UTF-8 bytes of a static string.
    @inline(__always)
    mutating func append(_ s: StaticString) {
        s.withUTF8Buffer { append(contentsOf: $0) }
    }

    /// Appends the bytes of `array`.
    @inline(__always)
    mutating func appendBytes(_ array: [UInt8]) {
        array.withUnsafeBufferPointer { append(contentsOf: $0) }
    }

    /// Appends `v` in decimal.
    @inline(__always)
    mutating func appendDecimal(_ v: UInt64) {
        if v < 10 {
            append(UInt8(truncatingIfNeeded: v) &+ 48)
            return
        }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { tmp in
            var i = 20
            var x = v
            while x > 0 {
                i -= 1
                tmp[i] = UInt8(truncatingIfNeeded: x % 10) &+ 48
                x /= 10
            }
            append(contentsOf: UnsafeBufferPointer(rebasing: tmp[i..<20]))
        }
    }

    /// Appends `v` in decimal, with a leading '-' if negative.
    @inline(__always)
    mutating func appendDecimal(_ v: Int64) {
        if v < 0 {
            append(UInt8(ascii: "-"))
            appendDecimal(v.magnitude)
        } else {
            appendDecimal(UInt64(v))
        }
    }

    /// Appends `v` in lowercase hexadecimal without padding or prefix.
    @inline(__always)
    mutating func appendHex(_ v: UInt64) {
        if v == 0 {
            append(UInt8(ascii: "0"))
            return
        }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 16) { tmp in
            var i = 16
            var x = v
            while x > 0 {
                i -= 1
                let nibble = UInt8(truncatingIfNeeded: x & 0xF)
                tmp[i] = nibble < 10 ? nibble &+ 48 : nibble &+ 87
                x >>= 4
            }
            append(contentsOf: UnsafeBufferPointer(rebasing: tmp[i..<16]))
        }
    }

    /// Appends two lowercase hex digits of `b`.
    @inline(__always)
    mutating func appendHexByte(_ b: UInt8) {
        let hi = b >> 4, lo = b & 0xF
        append(hi < 10 ? hi &+ 48 : hi &+ 87)
        append(lo < 10 ? lo &+ 48 : lo &+ 87)
    }

    /// Appends `"cf:<base64 id>"` (quoted graph reference).
    @inline(__always)
    mutating func appendReference(_ id: Identifier) {
        append("\"cf:")
        appendBase64(id)
        append(UInt8(ascii: "\""))
    }

    /// Appends a dotted-quad IPv4 address (host-order integer) and `:port`.
    mutating func appendEndpoint(ip: UInt32, port: UInt16) {
        appendDecimal(UInt64(ip >> 24))
        append(UInt8(ascii: "."))
        appendDecimal(UInt64(ip >> 16 & 0xFF))
        append(UInt8(ascii: "."))
        appendDecimal(UInt64(ip >> 8 & 0xFF))
        append(UInt8(ascii: "."))
        appendDecimal(UInt64(ip & 0xFF))
        append(UInt8(ascii: ":"))
        appendDecimal(UInt64(port))
    }

    /// Appends a UUID as 8-4-4-4-12 lowercase hex of the 16 bytes in order.
    mutating func appendUUID(_ uuid: UUIDBytes) {
        Swift.withUnsafeBytes(of: uuid) { raw in
            for i in 0..<16 {
                if i == 4 || i == 6 || i == 8 || i == 10 { append(UInt8(ascii: "-")) }
                appendHexByte(raw[i])
            }
        }
    }
}

/// Standard base64 alphabet.
private let base64Alphabet: StaticString = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

/// Base64 of the 32 identifier bytes, written in place.
enum Base64Table {
    /// Writes the 44 characters of the base64 of the 32 bytes of `raw`; returns 44.
    @inline(__always)
    static func encode32(_ raw: UnsafeRawBufferPointer, to out: UnsafeMutablePointer<UInt8>) -> Int {
        let alphabet: StaticString = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
        let table = alphabet.utf8Start
        let p = raw.baseAddress!.assumingMemoryBound(to: UInt8.self)
        var k = 0
        var i = 0
        while i < 30 {  // ten groups of 3 bytes
            let v = Int(p[i]) << 16 | Int(p[i + 1]) << 8 | Int(p[i + 2])
            out[k] = table[v >> 18]
            out[k + 1] = table[v >> 12 & 63]
            out[k + 2] = table[v >> 6 & 63]
            out[k + 3] = table[v & 63]
            k += 4
            i += 3
        }
        let v = Int(p[30]) << 16 | Int(p[31]) << 8  // last 2 bytes: 3 characters and '='
        out[40] = table[v >> 18]
        out[41] = table[v >> 12 & 63]
        out[42] = table[v >> 6 & 63]
        out[43] = UInt8(ascii: "=")
        return 44
    }
}

extension ByteSink {
    /// Appends the standard base64 (with `=` padding) of `raw`.
    mutating func appendBase64(_ raw: UnsafeRawBufferPointer) {
        let n = raw.count
        guard n > 0, let source = raw.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
        let table = base64Alphabet.utf8Start
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 64) { tmp in
            guard let out = tmp.baseAddress else { return }
            var i = 0
            var k = 0
            while i + 3 <= n {
                let v = UInt32(source[i]) << 16 | UInt32(source[i + 1]) << 8 | UInt32(source[i + 2])
                out[k] = table[Int(v >> 18)]
                out[k + 1] = table[Int(v >> 12 & 63)]
                out[k + 2] = table[Int(v >> 6 & 63)]
                out[k + 3] = table[Int(v & 63)]
                k += 4
                i += 3
                if k == 64 {
                    append(contentsOf: UnsafeBufferPointer(start: out, count: 64))
                    k = 0
                }
            }
            if i < n {
                let b1 = i + 1 < n ? UInt32(source[i + 1]) : 0
                let v = UInt32(source[i]) << 16 | b1 << 8
                out[k] = table[Int(v >> 18)]
                out[k + 1] = table[Int(v >> 12 & 63)]
                out[k + 2] = i + 1 < n ? table[Int(v >> 6 & 63)] : UInt8(ascii: "=")
                out[k + 3] = UInt8(ascii: "=")
                k += 4
            }
            if k > 0 { append(contentsOf: UnsafeBufferPointer(start: out, count: k)) }
        }
    }

    /// Appends the 44-character base64 form of `id`.
    @inline(__always)
    mutating func appendBase64(_ id: Identifier) {
        withUnsafeBytes(of: id) { appendBase64($0) }
    }
}
