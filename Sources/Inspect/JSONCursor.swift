/// What is wrong with one line of a log, and where (1-based column).
public struct LineProblem: Error, Sendable, Equatable, CustomStringConvertible {
    /// 1-based byte column where the problem was found (0 when it concerns the whole line).
    public var column: Int
    /// What is wrong, e.g. `expected ':' after an object key`.
    public var message: String

    /// Creates a problem at byte offset `offset` of the line (0-based).
    public init(offset: Int?, _ message: String) {
        self.column = offset.map { $0 + 1 } ?? 0
        self.message = message
    }

    public var description: String { column > 0 ? "column \(column): \(message)" : message }
}

/// A byte range of the current line: `start..<end`.
public struct ByteSpan: Sendable, Equatable {
    /// Offset of the first byte.
    public var start: Int
    /// Offset one past the last byte.
    public var end: Int
    /// Creates a span.
    public init(start: Int, end: Int) { self.start = start; self.end = end }
    /// Number of bytes.
    public var count: Int { end - start }
}

/// The content of a JSON string (between the quotes) in the line, and
/// whether it holds escape sequences that need decoding.
public struct StringSpan: Sendable, Equatable {
    /// The bytes between the quotes.
    public var span: ByteSpan
    /// Whether the content holds backslash escapes.
    public var hasEscapes: Bool
}

/// A validating, allocation-free JSON scanner over the bytes of one line.
/// It reads values in place; strings come back as spans of the line.
struct JSONCursor {
    let bytes: UnsafeBufferPointer<UInt8>
    var position = 0
    /// Nesting limit, so that a hostile line cannot exhaust the stack.
    static let maximumDepth = 64

    init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    var atEnd: Bool { position >= bytes.count }

    @inline(__always) mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }

    /// The next non-blank byte, or nil at the end of the line.
    @inline(__always) mutating func peek() -> UInt8? {
        skipWhitespace()
        return position < bytes.count ? bytes[position] : nil
    }

    func problem(_ message: String) -> LineProblem { LineProblem(offset: position, message) }

    func describeNext() -> String {
        guard position < bytes.count else { return "end of line" }
        let b = bytes[position]
        if b >= 0x20 && b < 0x7F { return "'\(Character(Unicode.Scalar(b)))'" }
        return "byte 0x" + String(b, radix: 16)
    }

    /// Consumes `byte` (after blanks) or fails naming what was expected.
    @inline(__always) mutating func expect(_ byte: UInt8, _ what: @autoclosure () -> String) throws(LineProblem) {
        skipWhitespace()
        guard position < bytes.count, bytes[position] == byte else {
            throw problem("expected \(what()), found \(describeNext())")
        }
        position += 1
    }

    /// After a member or element: consumes `,` (returns true) or the closing
    /// `close` byte (returns false).
    @inline(__always) mutating func nextMember(close: UInt8, in what: String) throws(LineProblem) -> Bool {
        skipWhitespace()
        if position < bytes.count {
            if bytes[position] == UInt8(ascii: ",") { position += 1; return true }
            if bytes[position] == close { position += 1; return false }
        }
        throw problem("expected ',' or '\(Character(Unicode.Scalar(close)))' in \(what), found \(describeNext())")
    }

    /// Reads a string (the cursor must be on or before its opening quote).
    mutating func string(_ what: @autoclosure () -> String = "a string") throws(LineProblem) -> StringSpan {
        skipWhitespace()
        guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else {
            throw problem("expected \(what()), found \(describeNext())")
        }
        position += 1
        let start = position
        var escapes = false
        while position < bytes.count {
            skipPlainBytes()
            guard position < bytes.count else { break }
            let b = bytes[position]
            if b == UInt8(ascii: "\"") {
                let span = ByteSpan(start: start, end: position)
                position += 1
                return StringSpan(span: span, hasEscapes: escapes)
            }
            if b == UInt8(ascii: "\\") {
                escapes = true
                try escape()
                continue
            }
            if b < 0x20 { throw problem("control character 0x\(String(b, radix: 16)) inside a string") }
            position += 1
        }
        throw LineProblem(offset: start - 1, "unterminated string")
    }

    /// Skips, 8 bytes at a time, string bytes that need no attention (no
    /// quote, backslash or control character); stops at or before the first
    /// one that might.
    @inline(__always) private mutating func skipPlainBytes() {
        guard let base = bytes.baseAddress else { return }
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        while position + 8 <= bytes.count {
            let w = UInt64(littleEndian: UnsafeRawPointer(base + position).loadUnaligned(as: UInt64.self))
            let quote = w ^ (ones &* 0x22), backslash = w ^ (ones &* 0x5C)
            let hits = ((quote &- ones) & ~quote | (backslash &- ones) & ~backslash | (w &- ones &* 0x20) & ~w) & highs
            if hits != 0 {
                position += hits.trailingZeroBitCount / 8
                return
            }
            position += 8
        }
    }

    private mutating func escape() throws(LineProblem) {
        guard position + 1 < bytes.count else { throw problem("unterminated escape sequence") }
        switch bytes[position + 1] {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"),
            UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            position += 2
        case UInt8(ascii: "u"):
            guard position + 5 < bytes.count else { throw problem("truncated \\u escape") }
            for i in 2...5 where hexValue(bytes[position + i]) == nil {
                throw problem("invalid \\u escape")
            }
            position += 6
        default:
            throw problem("invalid escape sequence")
        }
    }

    /// Skips one value of any kind, validating it; returns its span.
    @discardableResult
    mutating func value(depth: Int = 0) throws(LineProblem) -> ByteSpan {
        skipWhitespace()
        let start = position
        guard position < bytes.count else { throw problem("expected a value, found end of line") }
        switch bytes[position] {
        case UInt8(ascii: "\""):
            _ = try string()
        case UInt8(ascii: "{"):
            guard depth < Self.maximumDepth else { throw problem("nesting deeper than \(Self.maximumDepth)") }
            position += 1
            if peek() == UInt8(ascii: "}") { position += 1; break }
            repeat {
                _ = try string("an object key")
                try expect(UInt8(ascii: ":"), "':' after an object key")
                try value(depth: depth + 1)
            } while try nextMember(close: UInt8(ascii: "}"), in: "an object")
        case UInt8(ascii: "["):
            guard depth < Self.maximumDepth else { throw problem("nesting deeper than \(Self.maximumDepth)") }
            position += 1
            if peek() == UInt8(ascii: "]") { position += 1; break }
            repeat {
                try value(depth: depth + 1)
            } while try nextMember(close: UInt8(ascii: "]"), in: "an array")
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            try number()
        default:
            throw problem("expected a value, found \(describeNext())")
        }
        return ByteSpan(start: start, end: position)
    }

    private mutating func literal(_ word: StaticString) throws(LineProblem) {
        let n = word.utf8CodeUnitCount
        guard position + n <= bytes.count else { throw problem("invalid literal") }
        let w = word.utf8Start
        for i in 0..<n where bytes[position + i] != w[i] { throw problem("invalid literal") }
        position += n
    }

    private mutating func number() throws(LineProblem) {
        let start = position
        if bytes[position] == UInt8(ascii: "-") { position += 1 }
        var digits = 0
        while position < bytes.count, isDigit(bytes[position]) { position += 1; digits += 1 }
        guard digits > 0 else { throw LineProblem(offset: start, "invalid number") }
        if digits > 1, bytes[start] == UInt8(ascii: "0") || (bytes[start] == UInt8(ascii: "-") && bytes[start + 1] == UInt8(ascii: "0")) {
            throw LineProblem(offset: start, "invalid number (leading zero)")
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            position += 1
            var fraction = 0
            while position < bytes.count, isDigit(bytes[position]) { position += 1; fraction += 1 }
            guard fraction > 0 else { throw LineProblem(offset: start, "invalid number") }
        }
        if position < bytes.count, bytes[position] | 0x20 == UInt8(ascii: "e") {
            position += 1
            if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") {
                position += 1
            }
            var exponent = 0
            while position < bytes.count, isDigit(bytes[position]) { position += 1; exponent += 1 }
            guard exponent > 0 else { throw LineProblem(offset: start, "invalid number") }
        }
    }

    /// Fails unless only blanks remain on the line.
    mutating func expectEnd() throws(LineProblem) {
        skipWhitespace()
        guard position == bytes.count else { throw problem("unexpected \(describeNext()) after the end of the JSON value") }
    }
}

@inline(__always) func isDigit(_ b: UInt8) -> Bool { b &- UInt8(ascii: "0") < 10 }

@inline(__always) func hexValue(_ b: UInt8) -> UInt32? {
    switch b {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(b - UInt8(ascii: "0"))
    case UInt8(ascii: "a")...UInt8(ascii: "f"): return UInt32(b - UInt8(ascii: "a") + 10)
    case UInt8(ascii: "A")...UInt8(ascii: "F"): return UInt32(b - UInt8(ascii: "A") + 10)
    default: return nil
    }
}
