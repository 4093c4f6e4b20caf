/// Helpers over the raw bytes of a line: comparing keys, decoding strings
/// and numbers found by `JSONCursor`.
enum JSONText {
    /// Whether `span` of `line` holds exactly the bytes of `literal`.
    @inline(__always)
    static func equals(_ line: UnsafeBufferPointer<UInt8>, _ span: ByteSpan, _ literal: StaticString) -> Bool {
        let n = literal.utf8CodeUnitCount
        guard span.count == n else { return false }
        let p = literal.utf8Start
        var i = 0
        while i < n {
            if line[span.start + i] != p[i] { return false }
            i += 1
        }
        return true
    }

    /// Whether `span` of `line` holds exactly `bytes`.
    static func equals(_ line: UnsafeBufferPointer<UInt8>, _ span: ByteSpan, _ bytes: [UInt8]) -> Bool {
        guard span.count == bytes.count else { return false }
        for i in 0..<bytes.count where line[span.start + i] != bytes[i] { return false }
        return true
    }

    /// Whether `span` starts with `prefix`.
    static func hasPrefix(_ line: UnsafeBufferPointer<UInt8>, _ span: ByteSpan, _ prefix: StaticString) -> Bool {
        let n = prefix.utf8CodeUnitCount
        guard span.count >= n else { return false }
        let p = prefix.utf8Start
        for i in 0..<n where line[span.start + i] != p[i] { return false }
        return true
    }

    /// The raw bytes of a span (no decoding).
    static func bytes(_ line: UnsafeBufferPointer<UInt8>, _ span: ByteSpan) -> [UInt8] {
        Array(UnsafeBufferPointer(rebasing: line[span.start..<span.end]))
    }

    /// The decoded text of a JSON string's content.
    static func string(_ line: UnsafeBufferPointer<UInt8>, _ s: StringSpan) -> String {
        let raw = UnsafeBufferPointer(rebasing: line[s.span.start..<s.span.end])
        if !s.hasEscapes { return String(decoding: raw, as: UTF8.self) }
        return String(decoding: unescape(raw), as: UTF8.self)
    }

    /// Decodes JSON escape sequences (the input was validated by `JSONCursor`).
    static func unescape(_ raw: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var i = 0
        var pendingHigh: UInt32? = nil
        func appendScalar(_ v: UInt32) {
            let scalar = Unicode.Scalar(v) ?? "\u{FFFD}"
            out.append(contentsOf: Array(String(Character(scalar)).utf8))
        }
        while i < raw.count {
            let b = raw[i]
            guard b == UInt8(ascii: "\\"), i + 1 < raw.count else {
                if let high = pendingHigh { appendScalar(high); pendingHigh = nil }
                out.append(b)
                i += 1
                continue
            }
            let e = raw[i + 1]
            if e == UInt8(ascii: "u"), i + 5 < raw.count {
                var v: UInt32 = 0
                for k in 2...5 { v = v << 4 | (hexValue(raw[i + k]) ?? 0) }
                i += 6
                if let high = pendingHigh {
                    pendingHigh = nil
                    if (0xDC00...0xDFFF).contains(v) {
                        appendScalar(0x10000 + ((high - 0xD800) << 10) + (v - 0xDC00))
                        continue
                    }
                    appendScalar(high)
                }
                if (0xD800...0xDBFF).contains(v) { pendingHigh = v } else { appendScalar(v) }
                continue
            }
            if let high = pendingHigh { appendScalar(high); pendingHigh = nil }
            switch e {
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            default: out.append(e)  // \" \\ \/
            }
            i += 2
        }
        if let high = pendingHigh { appendScalar(high) }
        return out
    }

    /// Parses an unsigned decimal from a raw JSON value: `123` or `"123"`.
    static func unsigned(_ line: UnsafeBufferPointer<UInt8>, _ span: ByteSpan) -> UInt64? {
        var start = span.start, end = span.end
        if end - start >= 2, line[start] == UInt8(ascii: "\""), line[end - 1] == UInt8(ascii: "\"") {
            start += 1
            end -= 1
        }
        guard start < end, end - start <= 20 else { return nil }
        var value: UInt64 = 0
        for i in start..<end {
            let d = line[i] &- UInt8(ascii: "0")
            guard d < 10 else { return nil }
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(UInt64(d))
            guard !o1, !o2 else { return nil }
            value = a
        }
        return value
    }

    /// The content span of a raw JSON string value (`"..."`), or nil if the value is not a string.
    static func stringContent(_ line: UnsafeBufferPointer<UInt8>, _ span: ByteSpan) -> StringSpan? {
        guard span.count >= 2, line[span.start] == UInt8(ascii: "\""), line[span.end - 1] == UInt8(ascii: "\"")
        else { return nil }
        var escapes = false
        for i in (span.start + 1)..<(span.end - 1) where line[i] == UInt8(ascii: "\\") {
            escapes = true
            break
        }
        return StringSpan(span: ByteSpan(start: span.start + 1, end: span.end - 1), hasEscapes: escapes)
    }
}
