import Glibc
import Provenance

/// Something the JSON writers append bytes to: `[UInt8]` (tests, one-off
/// encoding) or `ByteBuffer` (the batches' hot path).
protocol ByteSink {
    /// Appends one byte.
    mutating func append(_ byte: UInt8)
    /// Appends `bytes`.
    mutating func append(contentsOf bytes: UnsafeBufferPointer<UInt8>)
    /// Appends the 44-character base64 form of `id`.
    mutating func appendBase64(_ id: Identifier)
}

extension Array: ByteSink where Element == UInt8 {}

/// A growable byte buffer for building JSON: appends are a capacity check
/// and a copy into memory the buffer owns, without the generic machinery of
/// `Array.append(contentsOf:)` (which dominated the encoders' profile).
///
/// Storage is shared between copies until one of them calls
/// `makeUnique()`; the batches call it before each record, so a copied
/// batch never writes into its original's bytes.
public struct ByteBuffer: ByteSink {
    final class Storage {
        let base: UnsafeMutablePointer<UInt8>
        let capacity: Int
        init(capacity: Int) {
            self.capacity = capacity
            base = .allocate(capacity: capacity)
        }
        deinit { base.deallocate() }
    }

    private var storage: Storage
    /// Cached `storage.base` and `storage.capacity` (no class access per write).
    private var base: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    /// Bytes written.
    public private(set) var count = 0

    /// Creates an empty buffer able to hold `capacity` bytes before growing.
    public init(capacity: Int = 4096) {
        storage = Storage(capacity: max(capacity, 64))
        base = storage.base
        self.capacity = storage.capacity
    }

    /// Whether nothing was written.
    public var isEmpty: Bool { count == 0 }

    /// The bytes written (valid until the next mutation).
    public var bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: base, count: count) }

    /// The bytes written, as an array.
    public var array: [UInt8] { Array(bytes) }

    /// Forgets the bytes, keeping the memory.
    public mutating func removeAll() { count = 0 }

    /// Drops the bytes after the first `newCount`.
    mutating func truncate(to newCount: Int) {
        precondition(newCount >= 0 && newCount <= count)
        count = newCount
    }

    /// Gives this copy its own storage if another copy shares it.
    public mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&storage) { reallocate(capacity) }
    }

    /// Makes room for `extra` more bytes.
    @inline(__always)
    mutating func reserve(_ extra: Int) {
        if count &+ extra > capacity { grow(count + extra) }
    }

    private mutating func grow(_ needed: Int) {
        var newCapacity = capacity
        while newCapacity < needed { newCapacity *= 2 }
        reallocate(newCapacity)
    }

    private mutating func reallocate(_ newCapacity: Int) {
        let bigger = Storage(capacity: newCapacity)
        bigger.base.update(from: base, count: count)
        storage = bigger
        base = bigger.base
        capacity = bigger.capacity
    }

    /// Appends one byte.
    @inline(__always)
    public mutating func append(_ byte: UInt8) {
        if count == capacity { grow(count + 1) }
        base[count] = byte
        count &+= 1
    }

    /// Appends `bytes`.
    @inline(__always)
    public mutating func append(contentsOf bytes: UnsafeBufferPointer<UInt8>) {
        let n = bytes.count
        guard n > 0, let source = bytes.baseAddress else { return }
        reserve(n)
        SmallCopy.copy(to: base + count, from: source, count: n)
        count &+= n
    }

    /// Appends `"cf:<base64 id>"` (quoted graph reference), in place.
    @inline(__always)
    mutating func appendReference(_ id: Identifier) {
        reserve(49)
        let out = base + count
        // "cf: as one 4-byte store.
        UnsafeMutableRawPointer(out).storeBytes(of: UInt32(0x3A66_6322).littleEndian, as: UInt32.self)
        _ = withUnsafeBytes(of: id) { raw in Base64Table.encode32(raw, to: out + 4) }
        out[48] = UInt8(ascii: "\"")
        count &+= 49
    }

    /// Appends `v` in lowercase hexadecimal without padding or prefix, in place.
    @inline(__always)
    mutating func appendHex(_ v: UInt64) {
        let digits = v == 0 ? 1 : (67 - v.leadingZeroBitCount) / 4
        reserve(digits)
        var p = base + count + digits
        var x = v
        repeat {
            p -= 1
            let nibble = UInt8(truncatingIfNeeded: x & 0xF)
            p[0] = nibble < 10 ? nibble &+ 48 : nibble &+ 87
            x >>= 4
        } while x != 0
        count &+= digits
    }

    /// Appends a copy of the `count` bytes written at offset `start`.
    @inline(__always)
    mutating func appendCopy(from start: Int, count n: Int) {
        precondition(start >= 0 && n >= 0 && start + n <= count)
        reserve(n)
        (base + count).update(from: base + start, count: n)
        count &+= n
    }

    /// Reserves `maximum` bytes, lets `body` write up to that many at the
    /// given address and keeps the number of bytes it returns.
    @inline(__always)
    mutating func appendInPlace(maximum: Int, _ body: (UnsafeMutablePointer<UInt8>) -> Int) {
        reserve(maximum)
        let written = body(base + count)
        precondition(written >= 0 && written <= maximum)
        count &+= written
    }

    /// Appends the 44-character base64 form of `id` (the hot path of every
    /// reference and vertex id).
    @inline(__always)
    mutating func appendBase64(_ id: Identifier) {
        appendInPlace(maximum: 44) { out in
            withUnsafeBytes(of: id) { raw in Base64Table.encode32(raw, to: out) }
        }
    }

    /// Appends the UTF-8 bytes of a static string.
    @inline(__always)
    public mutating func append(_ s: StaticString) {
        guard s.hasPointerRepresentation else {
            s.withUTF8Buffer { append(contentsOf: $0) }
            return
        }
        let n = s.utf8CodeUnitCount
        reserve(n)
        SmallCopy.copy(to: base + count, from: s.utf8Start, count: n)
        count &+= n
    }

    /// Appends `v` in decimal, written in place two digits at a time.
    @inline(__always)
    public mutating func appendDecimal(_ v: UInt64) {
        if v < 10 {
            append(UInt8(truncatingIfNeeded: v) &+ 48)
            return
        }
        var digits = 2
        var limit: UInt64 = 100
        while digits < 20 && v >= limit {
            digits += 1
            limit = limit &* 10
        }
        reserve(digits)
        let end = base + count + digits
        DecimalPairs.write(v, endingAt: end)
        count &+= digits
    }

    /// Appends `v` in decimal, with a leading '-' if negative.
    @inline(__always)
    public mutating func appendDecimal(_ v: Int64) {
        if v < 0 {
            append(UInt8(ascii: "-"))
            appendDecimal(v.magnitude)
        } else {
            appendDecimal(UInt64(v))
        }
    }

    /// Appends the bytes of another buffer.
    @inline(__always)
    public mutating func append(_ other: ByteBuffer) {
        append(contentsOf: other.bytes)
    }

    /// Appends the bytes of `array`.
    @inline(__always)
    public mutating func append(contentsOf array: [UInt8]) {
        array.withUnsafeBufferPointer { append(contentsOf: $0) }
    }
}

/// "00" to "99" as pairs of ASCII digits (a literal: no lazy initialisation).
enum DecimalPairs {
    /// Writes the digits of `v` (at least 2) backwards, the last one at `end - 1`.
    @inline(__always)
    static func write(_ v: UInt64, endingAt end: UnsafeMutablePointer<UInt8>) {
        let pairs: StaticString = """
            00010203040506070809101112131415161718192021222324252627282930313233343536373839\
            40414243444546474849505152535455565758596061626364656667686970717273747576777879\
            8081828384858687888990919293949596979899
            """
        let table = pairs.utf8Start
        var p = end
        var x = v
        while x >= 100 {
            let r = Int(x % 100)
            x /= 100
            p -= 2
            p[0] = table[2 * r]
            p[1] = table[2 * r + 1]
        }
        if x >= 10 {
            p -= 2
            p[0] = table[2 * Int(x)]
            p[1] = table[2 * Int(x) + 1]
        } else {
            p -= 1
            p[0] = UInt8(truncatingIfNeeded: x) &+ 48
        }
    }
}

/// Copies of a few bytes without a call to memmove: the encoders append
/// many short static strings and values (keys, dates, names).
enum SmallCopy {
    /// Copies `n` bytes from `source` to `destination` (non-overlapping).
    /// Up to 32 bytes: two possibly overlapping loads and stores of the
    /// largest width that fits; longer: memcpy.
    @inline(__always)
    static func copy(to destination: UnsafeMutablePointer<UInt8>, from source: UnsafePointer<UInt8>, count n: Int) {
        let d = UnsafeMutableRawPointer(destination)
        let s = UnsafeRawPointer(source)
        if n >= 16 {
            if n > 32 {
                d.copyMemory(from: s, byteCount: n)
                return
            }
            let a = s.loadUnaligned(as: SIMD2<UInt64>.self)
            let b = s.loadUnaligned(fromByteOffset: n - 16, as: SIMD2<UInt64>.self)
            d.storeBytes(of: a, as: SIMD2<UInt64>.self)
            d.storeBytes(of: b, toByteOffset: n - 16, as: SIMD2<UInt64>.self)
        } else if n >= 8 {
            let a = s.loadUnaligned(as: UInt64.self)
            let b = s.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
            d.storeBytes(of: a, as: UInt64.self)
            d.storeBytes(of: b, toByteOffset: n - 8, as: UInt64.self)
        } else if n >= 4 {
            let a = s.loadUnaligned(as: UInt32.self)
            let b = s.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self)
            d.storeBytes(of: a, as: UInt32.self)
            d.storeBytes(of: b, toByteOffset: n - 4, as: UInt32.self)
        } else {
            for i in 0..<n { destination[i] = source[i] }
        }
    }
}
