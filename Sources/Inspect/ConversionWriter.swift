import Provenance

/// Writes the members of one JSON object, managing the commas.
struct MemberWriter {
    var out: [UInt8] = []
    private var first = true

    mutating func reset() {
        out.removeAll(keepingCapacity: true)
        first = true
    }

    /// Starts a member: `,"key":` (no comma before the first).
    mutating func key(_ key: StaticString) {
        if !first { out.append(UInt8(ascii: ",")) }
        first = false
        out.append(UInt8(ascii: "\""))
        out.append(contentsOf: UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount))
        out.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
    }

    /// Starts a member whose key is `prefix` + the bytes of `span`.
    mutating func key(prefix: StaticString, _ line: UnsafeBufferPointer<UInt8>, _ span: ByteSpan) {
        if !first { out.append(UInt8(ascii: ",")) }
        first = false
        out.append(UInt8(ascii: "\""))
        out.append(contentsOf: UnsafeBufferPointer(start: prefix.utf8Start, count: prefix.utf8CodeUnitCount))
        out.append(contentsOf: UnsafeBufferPointer(rebasing: line[span.start..<span.end]))
        out.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
    }

    mutating func raw(_ line: UnsafeBufferPointer<UInt8>, _ span: ByteSpan) {
        out.append(contentsOf: UnsafeBufferPointer(rebasing: line[span.start..<span.end]))
    }

    mutating func literal(_ text: StaticString) {
        out.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    mutating func text(_ text: String) { out.append(contentsOf: text.utf8) }

    /// `"<base64>"`, with `cf:` inside the quotes when `prefixed`.
    mutating func identifier(_ id: Identifier, prefixed: Bool) {
        out.append(UInt8(ascii: "\""))
        if prefixed { literal("cf:") }
        id.appendBase64(to: &out)
        out.append(UInt8(ascii: "\""))
    }

    /// The quoted node type name of `id` (from the kernel's table, no allocation).
    mutating func typeName(_ id: Identifier) {
        out.append(UInt8(ascii: "\""))
        if let name = NodeType(rawValue: id.type).nameBytes { out.append(contentsOf: name) } else { text(IdentifierText.typeName(id)) }
        out.append(UInt8(ascii: "\""))
    }

    /// A string value with `cf:` removed from the start of its content.
    mutating func strippingPrefix(_ line: UnsafeBufferPointer<UInt8>, _ span: ByteSpan) {
        if JSONText.hasPrefix(line, ByteSpan(start: span.start + 1, end: span.end), "cf:") {
            out.append(UInt8(ascii: "\""))
            raw(line, ByteSpan(start: span.start + 4, end: span.end))
        } else {
            raw(line, span)
        }
    }

    /// A string value with `cf:` added to the start of its content.
    mutating func addingPrefix(_ line: UnsafeBufferPointer<UInt8>, _ span: ByteSpan) {
        guard span.count >= 2, line[span.start] == UInt8(ascii: "\""),
            !JSONText.hasPrefix(line, ByteSpan(start: span.start + 1, end: span.end), "cf:")
        else { return raw(line, span) }
        literal("\"cf:")
        raw(line, ByteSpan(start: span.start + 1, end: span.end))
    }

    /// A quoted decimal (`"17"`) as a bare number; anything else unchanged.
    mutating func unquotingNumber(_ line: UnsafeBufferPointer<UInt8>, _ span: ByteSpan) {
        if span.count > 2, line[span.start] == UInt8(ascii: "\""),
            (span.start + 1..<span.end - 1).allSatisfy({ isDigit(line[$0]) })
        {
            raw(line, ByteSpan(start: span.start + 1, end: span.end - 1))
        } else {
            raw(line, span)
        }
    }

    /// A bare number as a quoted decimal; anything else unchanged.
    mutating func quotingNumber(_ line: UnsafeBufferPointer<UInt8>, _ span: ByteSpan) {
        if span.count > 0, isDigit(line[span.start]) {
            out.append(UInt8(ascii: "\""))
            raw(line, span)
            out.append(UInt8(ascii: "\""))
        } else {
            raw(line, span)
        }
    }

    /// The content of a value without its quotes (a number as is).
    mutating func content(_ line: UnsafeBufferPointer<UInt8>, _ span: ByteSpan) {
        if let s = JSONText.stringContent(line, span) { raw(line, s.span) } else { raw(line, span) }
    }
}

/// Groups W3C elements into PROV-JSON documents in the reference layout:
/// sections in the reference order, one document per line, a new document
/// before a key would repeat or the document would pass `maxBytes`.
struct W3CDocumentWriter {
    private var sections = [[UInt8]](repeating: [], count: Section.allCases.count)
    private var keys = Set<Identifier>()
    private var size = 0
    let maxBytes: Int

    init(maxBytes: Int = 65536) { self.maxBytes = maxBytes }

    static let header: [UInt8] = Array(
        "{\"prefix\":{\"prov\" : \"http://www.w3.org/ns/prov\", \"cf\":\"http://www.camflow.org\"}".utf8)

    /// Adds `"cf:<id>":{<members>}` to `section`; returns a finished
    /// document (with its `\n`) when one had to be closed first.
    mutating func add(_ section: Section, id: Identifier, members: [UInt8]) -> [UInt8]? {
        var finished: [UInt8]?
        if keys.contains(id) || (size > 0 && size + members.count > maxBytes) { finished = take() }
        keys.insert(id)
        var s = sections[section.rawValue]
        sections[section.rawValue] = []
        if !s.isEmpty { s.append(UInt8(ascii: ",")) }
        s.append(contentsOf: Array("\"cf:".utf8))
        id.appendBase64(to: &s)
        s.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":"), UInt8(ascii: "{")])
        s.append(contentsOf: members)
        s.append(UInt8(ascii: "}"))
        size += members.count + 52
        sections[section.rawValue] = s
        return finished
    }

    /// The pending document, or nil if nothing is pending.
    mutating func take() -> [UInt8]? {
        guard size > 0 else { return nil }
        var doc = Self.header
        for section in Section.documentOrder where !sections[section.rawValue].isEmpty {
            doc.append(contentsOf: Array(", \"\(section.w3cName)\":{".utf8))
            doc.append(contentsOf: sections[section.rawValue])
            doc.append(UInt8(ascii: "}"))
            sections[section.rawValue].removeAll(keepingCapacity: true)
        }
        doc.append(contentsOf: [UInt8(ascii: "}"), UInt8(ascii: "\n")])
        keys.removeAll(keepingCapacity: true)
        size = 0
        return doc
    }
}
