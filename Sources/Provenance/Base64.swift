/// Standard base64 (RFC 4648 alphabet, `=` padding) written into byte buffers.
public enum Base64 {
    @usableFromInline static let alphabet: [UInt8] =
        Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// Appends the base64 form of `input` to `out`.
    @inlinable public static func append(_ input: UnsafeRawBufferPointer, to out: inout [UInt8]) {
        let n = input.count
        let length = (n + 2) / 3 * 4
        guard length > 0 else { return }
        let start = out.count
        out.append(contentsOf: repeatElement(0, count: length))
        out.withUnsafeMutableBufferPointer { buffer in
            alphabet.withUnsafeBufferPointer { table in
                var o = start
                var i = 0
                while i + 3 <= n {
                    let v = UInt32(input[i]) << 16 | UInt32(input[i + 1]) << 8 | UInt32(input[i + 2])
                    buffer[o] = table[Int(v >> 18 & 63)]
                    buffer[o + 1] = table[Int(v >> 12 & 63)]
                    buffer[o + 2] = table[Int(v >> 6 & 63)]
                    buffer[o + 3] = table[Int(v & 63)]
                    i += 3
                    o += 4
                }
                let rest = n - i
                if rest > 0 {
                    var v = UInt32(input[i]) << 16
                    if rest == 2 { v |= UInt32(input[i + 1]) << 8 }
                    buffer[o] = table[Int(v >> 18 & 63)]
                    buffer[o + 1] = table[Int(v >> 12 & 63)]
                    buffer[o + 2] = rest == 2 ? table[Int(v >> 6 & 63)] : UInt8(ascii: "=")
                    buffer[o + 3] = UInt8(ascii: "=")
                }
            }
        }
    }

    /// Decodes standard base64 with padding; nil on any invalid character or length.
    public static func decode(_ text: [UInt8]) -> [UInt8]? {
        guard text.count % 4 == 0 else { return nil }
        func value(_ c: UInt8) -> UInt32? {
            switch c {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): return UInt32(c - UInt8(ascii: "A"))
            case UInt8(ascii: "a")...UInt8(ascii: "z"): return UInt32(c - UInt8(ascii: "a") + 26)
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(c - UInt8(ascii: "0") + 52)
            case UInt8(ascii: "+"): return 62
            case UInt8(ascii: "/"): return 63
            default: return nil
            }
        }
        var out: [UInt8] = []
        out.reserveCapacity(text.count / 4 * 3)
        var i = 0
        while i < text.count {
            let isLast = i + 4 == text.count
            var v: UInt32 = 0
            var pad = 0
            for j in 0..<4 {
                let c = text[i + j]
                if c == UInt8(ascii: "="), isLast, j >= 2 {
                    pad += 1
                    v <<= 6
                    continue
                }
                guard pad == 0, let d = value(c) else { return nil }
                v = v << 6 | d
            }
            out.append(UInt8(v >> 16 & 0xFF))
            if pad < 2 { out.append(UInt8(v >> 8 & 0xFF)) }
            if pad < 1 { out.append(UInt8(v & 0xFF)) }
            i += 4
        }
        return out
    }
}
