/// JSON string escaping over raw bytes.
///
/// Fix over the reference (its defect O1): every string taken from a record
/// (paths, argv, log text, xattr names, utsname, commit, addresses...) is
/// escaped as JSON requires: `"` and `\` get a backslash, control characters
/// below 0x20 become `\b \f \n \r \t` or `\u00XX`, and bytes that are not
/// valid UTF-8 are replaced by U+FFFD, one replacement per maximal invalid
/// subpart (the Unicode-recommended practice, which is also what Swift's
/// `String(decoding:as:)` does). The reference's lossy substitutions of §4.3
/// (backslash to slash in paths, quotes to spaces in log text...) are gone:
/// the value round-trips exactly when it is valid UTF-8.
enum JSONEscaping {
    static let replacement: [UInt8] = [0xEF, 0xBF, 0xBD]

    /// Whether any of the 8 bytes of `w` may be a control character, `"`,
    /// `\` or a non-ASCII byte (no false negatives; a false positive only
    /// sends the bytes through the byte-by-byte path).
    @inline(__always)
    static func mayNeedEscaping(_ w: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let quote = w ^ (ones &* 0x22)
        let backslash = w ^ (ones &* 0x5C)
        let below = (w &- ones &* 0x20) & ~w
        let hasQuote = (quote &- ones) & ~quote
        let hasBackslash = (backslash &- ones) & ~backslash
        return (w | below | hasQuote | hasBackslash) & highs != 0
    }

    /// Number of bytes of the well-formed UTF-8 sequence starting at `i`, or
    /// the negated length of the maximal invalid subpart found there.
    @inline(__always)
    static func utf8Sequence(_ p: UnsafeBufferPointer<UInt8>, _ i: Int) -> Int {
        let lead = p[i]
        let total: Int
        var lo: UInt8 = 0x80, hi: UInt8 = 0xBF  // allowed range of the 2nd byte
        switch lead {
        case 0xC2...0xDF: total = 2
        case 0xE0: total = 3; lo = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: total = 3
        case 0xED: total = 3; hi = 0x9F
        case 0xF0: total = 4; lo = 0x90
        case 0xF1...0xF3: total = 4
        case 0xF4: total = 4; hi = 0x8F
        default: return -1
        }
        var k = 1
        while k < total {
            guard i + k < p.count else { return -k }
            let b = p[i + k]
            let (l, h): (UInt8, UInt8) = k == 1 ? (lo, hi) : (0x80, 0xBF)
            guard b >= l && b <= h else { return -k }
            k += 1
        }
        return total
    }
}

extension ByteSink {
    /// Appends `bytes` as the body of a JSON string (no surrounding quotes).
    mutating func appendEscaped(_ bytes: UnsafeBufferPointer<UInt8>) {
        let n = bytes.count
        var i = 0
        var runStart = 0
        @inline(__always) func flushRun(_ end: Int, _ out: inout Self) {
            if end > runStart { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<end])) }
        }
        let base = bytes.baseAddress
        while i < n {
            // Eight plain bytes at a time (no control character, quote,
            // backslash or non-ASCII byte): the common case of paths and text.
            if i &+ 8 <= n, let base {
                let w = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
                if !JSONEscaping.mayNeedEscaping(w) {
                    i &+= 8
                    continue
                }
            }
            let b = bytes[i]
            if b < 0x80 {
                if b >= 0x20 && b != 0x22 && b != 0x5C { i += 1; continue }
                flushRun(i, &self)
                switch b {
                case 0x22: append("\\\"")
                case 0x5C: append("\\\\")
                case 0x08: append("\\b")
                case 0x0C: append("\\f")
                case 0x0A: append("\\n")
                case 0x0D: append("\\r")
                case 0x09: append("\\t")
                default:
                    append("\\u00")
                    appendHexByte(b)
                }
                i += 1
                runStart = i
                continue
            }
            let len = JSONEscaping.utf8Sequence(bytes, i)
            if len > 0 {
                i += len
                continue
            }
            flushRun(i, &self)
            appendBytes(JSONEscaping.replacement)
            i += -len
            runStart = i
        }
        flushRun(n, &self)
    }

    /// Appends `bytes` as the body of a JSON string (no surrounding quotes).
    @inline(__always)
    mutating func appendEscaped(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { appendEscaped($0) }
    }

    /// Appends `bytes` as a quoted JSON string.
    @inline(__always)
    mutating func appendJSONString(_ bytes: [UInt8]) {
        append(UInt8(ascii: "\""))
        appendEscaped(bytes)
        append(UInt8(ascii: "\""))
    }

    /// Appends `bytes` as a quoted JSON string.
    @inline(__always)
    mutating func appendJSONString(_ bytes: UnsafeBufferPointer<UInt8>) {
        append(UInt8(ascii: "\""))
        appendEscaped(bytes)
        append(UInt8(ascii: "\""))
    }
}
