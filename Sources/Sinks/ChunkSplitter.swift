/// Cuts a chunk that a transport refused as too large into two smaller
/// chunks that are each valid on their own: SPADE chunks at a line
/// boundary, W3C documents between elements (each half keeps the prefix
/// object and the sections of its elements, in order).
public enum ChunkSplitter {
    /// A piece of a chunk and how many elements (records) it holds.
    public struct Piece: Equatable, Sendable {
        public var bytes: [UInt8]
        public var elements: Int
    }

    /// Splits `chunk` into two pieces, or returns nil if it holds a single
    /// element (or cannot be parsed).
    public static func split(_ chunk: [UInt8], lines: Bool) -> [Piece]? {
        lines ? splitLines(chunk) : splitDocument(chunk)
    }

    /// SPADE: two runs of whole lines.
    static func splitLines(_ chunk: [UInt8]) -> [Piece]? {
        var ends: [Int] = []
        for (i, b) in chunk.enumerated() where b == 10 { ends.append(i + 1) }
        if let last = ends.last, last < chunk.count { ends.append(chunk.count) }
        if ends.isEmpty && !chunk.isEmpty { ends.append(chunk.count) }
        guard ends.count >= 2 else { return nil }
        let half = ends.count / 2
        let cut = ends[half - 1]
        return [Piece(bytes: Array(chunk[..<cut]), elements: half),
                Piece(bytes: Array(chunk[cut...]), elements: ends.count - half)]
    }

    /// W3C: parses `{"prefix":{..}, "section":{"id":{..},..},..}`.
    static func splitDocument(_ chunk: [UInt8]) -> [Piece]? {
        var scanner = JSONScanner(bytes: chunk)
        guard scanner.expect(UInt8(ascii: "{")) else { return nil }
        var prefix: ArraySlice<UInt8>?
        var elements: [(section: ArraySlice<UInt8>, element: ArraySlice<UInt8>)] = []
        while true {
            scanner.skipSpace()
            if scanner.expect(UInt8(ascii: "}")) { break }
            _ = scanner.expect(UInt8(ascii: ","))
            guard let key = scanner.string(), scanner.expect(UInt8(ascii: ":")) else { return nil }
            scanner.skipSpace()
            if chunk[key] == ArraySlice("\"prefix\"".utf8) {
                guard let value = scanner.value() else { return nil }
                prefix = chunk[value]
                continue
            }
            guard scanner.expect(UInt8(ascii: "{")) else { return nil }
            while true {
                scanner.skipSpace()
                if scanner.expect(UInt8(ascii: "}")) { break }
                _ = scanner.expect(UInt8(ascii: ","))
                scanner.skipSpace()
                let start = scanner.position
                guard scanner.string() != nil, scanner.expect(UInt8(ascii: ":")), scanner.value() != nil else { return nil }
                elements.append((chunk[key], chunk[start..<scanner.position]))
            }
        }
        guard let prefix, elements.count >= 2 else { return nil }
        let half = elements.count / 2
        return [document(prefix, elements[..<half]), document(prefix, elements[half...])]
    }

    private static func document(_ prefix: ArraySlice<UInt8>,
                                 _ elements: ArraySlice<(section: ArraySlice<UInt8>, element: ArraySlice<UInt8>)>) -> Piece {
        var out: [UInt8] = Array("{\"prefix\":".utf8)
        out += prefix
        var current: ArraySlice<UInt8>?
        for (section, element) in elements {
            if current != section {
                if current != nil { out.append(UInt8(ascii: "}")) }
                out += Array(", ".utf8)
                out += section
                out += Array(":{".utf8)
                current = section
            } else {
                out.append(UInt8(ascii: ","))
            }
            out += element
        }
        if current != nil { out.append(UInt8(ascii: "}")) }
        out.append(UInt8(ascii: "}"))
        return Piece(bytes: out, elements: elements.count)
    }
}

/// A minimal JSON tokenizer over bytes: enough to find value boundaries.
struct JSONScanner {
    let bytes: [UInt8]
    var position = 0

    mutating func skipSpace() {
        while position < bytes.count, [32, 9, 10, 13].contains(bytes[position]) { position += 1 }
    }

    /// Consumes `byte` (after spaces) if it is next.
    mutating func expect(_ byte: UInt8) -> Bool {
        skipSpace()
        guard position < bytes.count, bytes[position] == byte else { return false }
        position += 1
        return true
    }

    /// Consumes a string; returns its range including the quotes.
    mutating func string() -> Range<Int>? {
        skipSpace()
        guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else { return nil }
        let start = position
        position += 1
        while position < bytes.count {
            switch bytes[position] {
            case UInt8(ascii: "\\"): position += 2
            case UInt8(ascii: "\""):
                position += 1
                return start..<position
            default: position += 1
            }
        }
        return nil
    }

    /// Consumes any value; returns its range.
    mutating func value() -> Range<Int>? {
        skipSpace()
        guard position < bytes.count else { return nil }
        let start = position
        switch bytes[position] {
        case UInt8(ascii: "\""):
            return string()
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            var depth = 0
            while position < bytes.count {
                switch bytes[position] {
                case UInt8(ascii: "\""):
                    guard string() != nil else { return nil }
                    continue
                case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth == 0 {
                        position += 1
                        return start..<position
                    }
                default: break
                }
                position += 1
            }
            return nil
        default:
            while position < bytes.count, ![UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]")].contains(bytes[position]) {
                position += 1
            }
            return start..<position
        }
    }
}
