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

    /// A labelled packet's sender (its node's `name_id` carries the
    /// sender's boot and machine ids): appends `bootKey`, the boot id,
    /// `machineKey` and `"cf:<machine id>"`; nothing when `nameID` holds
    /// neither id (an unlabelled packet). The keys include their leading
    /// `,"` and trailing `":`.
    mutating func appendPacketSender(_ nameID: Identifier, bootKey: StaticString, machineKey: StaticString) {
        guard nameID.machineID != 0 || nameID.bootID != 0 else { return }
        append(bootKey)
        appendDecimal(UInt64(nameID.bootID))
        append(machineKey)
        append("\"cf:")
        appendDecimal(UInt64(nameID.machineID))
        append(UInt8(ascii: "\""))
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
    ///
    /// Six bytes at a time: one 8-byte load, four lookups of two characters
    /// (`Base64Pairs`), one 8-byte store.
    @inline(__always)
    static func encode32(_ raw: UnsafeRawBufferPointer, to out: UnsafeMutablePointer<UInt8>) -> Int {
        let pairs = UnsafeRawPointer(Base64Pairs.table)
        guard let p = raw.baseAddress, raw.count >= 32 else { return 0 }
        let o = UnsafeMutableRawPointer(out)
        @inline(__always) func pair(_ v: UInt64) -> UInt64 {
            UInt64(pairs.loadUnaligned(fromByteOffset: Int(truncatingIfNeeded: v & 0xFFF) &* 2, as: UInt16.self))
        }
        var i = 0
        var k = 0
        while i < 30 {  // five groups of 6 bytes (the 8-byte load stays within the 32)
            let v = p.loadUnaligned(fromByteOffset: i, as: UInt64.self).bigEndian >> 16
            let chars = pair(v >> 36) | pair(v >> 24) << 16 | pair(v >> 12) << 32 | pair(v) << 48
            o.storeBytes(of: chars.littleEndian, toByteOffset: k, as: UInt64.self)
            i += 6
            k += 8
        }
        // Last 2 bytes: 16 bits padded to 18, three characters and '='.
        let v = UInt64(p.load(fromByteOffset: 30, as: UInt8.self)) << 10
            | UInt64(p.load(fromByteOffset: 31, as: UInt8.self)) << 2
        let head = pair(v >> 6)
        o.storeBytes(of: UInt16(truncatingIfNeeded: head).littleEndian, toByteOffset: 40, as: UInt16.self)
        out[42] = UInt8(truncatingIfNeeded: pair(v & 0x3F) >> 8)
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
