/// Taint labels of `camflow ctl --label-file` and `--label-process`.
///
/// A label is a taint bit: a number 0...63 is that bit; any other word is
/// mapped to a bit by FNV-1a (64-bit) of its UTF-8 bytes modulo 64, so the
/// same word always gives the same bit on every machine. Distinct words can
/// share a bit (64 bits in all).
public enum TaintLabel {
    /// The bit for `label`; nil for an empty label and for a number
    /// outside 0...63.
    public static func bit(for label: String) -> Int? {
        if label.isEmpty { return nil }
        if label.allSatisfy({ $0.isASCII && $0.isNumber }) {
            guard label.count <= 2, let n = Int(label), n < 64 else { return nil }
            return n
        }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in label.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        return Int(hash % 64)
    }
}
