/// The decimal text of the last value written through it: consecutive
/// records mostly carry the same machine id and, within a few
/// milliseconds, the same jiffies, so the digits are copied instead of
/// computed (up to 20 digits, kept inline: no allocation).
struct DecimalCache {
    private var value: UInt64 = 0
    private var digits: (UInt64, UInt64, UInt64) = (0x30, 0, 0)  // "0"
    private var count = 1

    /// Appends `v` in decimal.
    @inline(__always)
    mutating func append(_ v: UInt64, to out: inout ByteBuffer) {
        if v != value {
            var text = ByteBuffer.InlineDecimal()
            count = text.format(v)
            digits = text.words
            value = v
        }
        let n = count
        withUnsafeBytes(of: &digits) { raw in
            out.append(contentsOf: UnsafeBufferPointer(start: raw.baseAddress?.assumingMemoryBound(to: UInt8.self),
                                                       count: n))
        }
    }
}

extension ByteBuffer {
    /// Up to 24 decimal digits formatted in place, held as three words.
    struct InlineDecimal {
        var words: (UInt64, UInt64, UInt64) = (0, 0, 0)

        /// Writes `v` at the start of `words`; returns the number of digits.
        @inline(__always)
        mutating func format(_ v: UInt64) -> Int {
            var digits = 1
            var limit: UInt64 = 10
            while digits < 20 && v >= limit {
                digits += 1
                limit = limit &* 10
            }
            let n = digits
            withUnsafeMutableBytes(of: &words) { raw in
                guard let base = raw.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
                if v < 10 {
                    base[0] = UInt8(truncatingIfNeeded: v) &+ 48
                } else {
                    DecimalPairs.write(v, endingAt: base + n)
                }
            }
            return n
        }
    }
}
