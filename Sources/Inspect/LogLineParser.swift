import Provenance

/// Parses log lines of either format into elements, validating each line
/// completely before any of its elements is handed out (an invalid line
/// contributes nothing). Buffers are reused from line to line.
public struct LogLineParser {
    /// The format of the log, fixed by the first line that shows it.
    public private(set) var format: LogFormat?

    private var attributes: [Attribute] = []
    private var elements: [PendingElement] = []

    private struct PendingElement {
        var section: Section
        var id: Identifier
        var sender: Identifier
        var receiver: Identifier
        var firstAttribute: Int
        var attributeCount: Int
    }

    /// Starts a parser; `format` nil detects it from the first line.
    public init(format: LogFormat? = nil) {
        self.format = format
        attributes.reserveCapacity(64)
        elements.reserveCapacity(256)
    }

    /// Parses one line and hands its elements to `visitor`. A blank line is
    /// valid and holds nothing.
    public mutating func parse<V: LogVisitor>(_ line: UnsafeBufferPointer<UInt8>, into visitor: inout V)
        throws(LineProblem)
    {
        attributes.removeAll(keepingCapacity: true)
        elements.removeAll(keepingCapacity: true)
        var cursor = JSONCursor(line)
        guard cursor.peek() != nil else { return }
        try cursor.expect(UInt8(ascii: "{"), "'{' (each line holds one JSON object)")
        if cursor.peek() == UInt8(ascii: "}") {
            cursor.position += 1
            try cursor.expectEnd()
            if format == nil { return }
            if format == .spade { throw LineProblem(offset: 0, "empty object: a SPADE line needs type and id") }
            return
        }
        let firstKey = try cursor.string("an object key")
        let lineFormat = Self.formatOf(firstKey: firstKey.span, line)
        switch (format, lineFormat) {
        case (nil, nil):
            throw LineProblem(offset: firstKey.span.start - 1,
                              "neither a W3C PROV-JSON document nor a SPADE JSON object (first key \(quoted(line, firstKey.span)))")
        case (nil, let detected?):
            format = detected
        case (.w3c?, .spade?):
            throw LineProblem(offset: 0, "a SPADE JSON object in a W3C PROV-JSON log")
        case (.spade?, .w3c?):
            throw LineProblem(offset: 0, "a W3C PROV-JSON document in a SPADE JSON log")
        default:
            break
        }
        if format == .w3c {
            try parseDocument(&cursor, firstKey: firstKey)
        } else {
            try parseSpade(&cursor, firstKey: firstKey)
        }
        try cursor.expectEnd()
        let elementFormat = format ?? .w3c
        attributes.withUnsafeBufferPointer { all in
            for e in elements {
                visitor.visit(LogElement(
                    line: line, format: elementFormat, section: e.section, id: e.id, sender: e.sender, receiver: e.receiver,
                    attributes: UnsafeBufferPointer(rebasing: all[e.firstAttribute..<(e.firstAttribute + e.attributeCount)])))
            }
        }
    }

    private static func formatOf(firstKey: ByteSpan, _ line: UnsafeBufferPointer<UInt8>) -> LogFormat? {
        if JSONText.equals(line, firstKey, "prefix") || sectionNamed(line, firstKey) != nil
            || JSONText.equals(line, firstKey, "message") || JSONText.equals(line, firstKey, "bundle")
        {
            return .w3c
        }
        for key: StaticString in ["type", "id", "from", "to", "annotations"]
        where JSONText.equals(line, firstKey, key) {
            return .spade
        }
        return nil
    }

    // MARK: W3C

    private mutating func parseDocument(_ cursor: inout JSONCursor, firstKey: StringSpan) throws(LineProblem) {
        var key = firstKey
        while true {
            try cursor.expect(UInt8(ascii: ":"), "':' after an object key")
            if let section = Self.sectionNamed(cursor.bytes, key.span) {
                try parseSection(&cursor, section)
            } else if JSONText.equals(cursor.bytes, key.span, "prefix") || JSONText.equals(cursor.bytes, key.span, "message") {
                try cursor.value()
            } else {
                throw LineProblem(offset: key.span.start - 1, "unknown W3C section \(quoted(cursor.bytes, key.span))")
            }
            guard try cursor.nextMember(close: UInt8(ascii: "}"), in: "the document") else { return }
            key = try cursor.string("a section name")
        }
    }

    private mutating func parseSection(_ cursor: inout JSONCursor, _ section: Section) throws(LineProblem) {
        try cursor.expect(UInt8(ascii: "{"), "'{' opening section \(section.w3cName)")
        if cursor.peek() == UInt8(ascii: "}") { cursor.position += 1; return }
        repeat {
            let key = try cursor.string("an element identifier")
            guard let id = IdentifierText.decode(cursor.bytes, key.span) else {
                throw LineProblem(offset: key.span.start - 1,
                                  "element key \(quoted(cursor.bytes, key.span)) in \(section.w3cName) is not an identifier (cf: + 44 base64 characters)")
            }
            try cursor.expect(UInt8(ascii: ":"), "':' after an element identifier")
            let first = attributes.count
            try cursor.expect(UInt8(ascii: "{"), "'{' opening the attributes of an element")
            if cursor.peek() == UInt8(ascii: "}") {
                cursor.position += 1
            } else {
                repeat {
                    let k = try cursor.string("an attribute name")
                    try cursor.expect(UInt8(ascii: ":"), "':' after an attribute name")
                    let v = try cursor.value(depth: 2)
                    attributes.append(Attribute(key: k, value: v))
                } while try cursor.nextMember(close: UInt8(ascii: "}"), in: "an element")
            }
            var element = PendingElement(section: section, id: id, sender: .zero, receiver: .zero,
                                         firstAttribute: first, attributeCount: attributes.count - first)
            if section.isRelation {
                element.sender = try endpoint(cursor.bytes, first, section.senderRoleKey, section, key.span)
                element.receiver = try endpoint(cursor.bytes, first, section.receiverRoleKey, section, key.span)
            }
            elements.append(element)
        } while try cursor.nextMember(close: UInt8(ascii: "}"), in: "section \(section.w3cName)")
    }

    private func endpoint(_ line: UnsafeBufferPointer<UInt8>, _ first: Int, _ role: StaticString,
                          _ section: Section, _ idSpan: ByteSpan) throws(LineProblem) -> Identifier
    {
        for a in attributes[first...] where JSONText.equals(line, a.key.span, role) {
            guard let s = JSONText.stringContent(line, a.value), let id = IdentifierText.decode(line, s.span) else {
                throw LineProblem(offset: a.value.start, "\(section.w3cName) relation: \(role) is not an identifier")
            }
            return id
        }
        throw LineProblem(offset: idSpan.start - 1, "\(section.w3cName) relation \(quoted(line, idSpan)) has no \(role)")
    }

    // MARK: SPADE

    private mutating func parseSpade(_ cursor: inout JSONCursor, firstKey: StringSpan) throws(LineProblem) {
        var type: StringSpan?, id: StringSpan?, from: StringSpan?, to: StringSpan?
        var annotations: Int?
        var key = firstKey
        let line = cursor.bytes
        while true {
            try cursor.expect(UInt8(ascii: ":"), "':' after an object key")
            if JSONText.equals(line, key.span, "type") {
                type = try cursor.string("a string for type")
            } else if JSONText.equals(line, key.span, "id") {
                id = try cursor.string("a string for id")
            } else if JSONText.equals(line, key.span, "from") {
                from = try cursor.string("a string for from")
            } else if JSONText.equals(line, key.span, "to") {
                to = try cursor.string("a string for to")
            } else if JSONText.equals(line, key.span, "annotations") {
                annotations = attributes.count
                try cursor.expect(UInt8(ascii: "{"), "'{' opening annotations")
                if cursor.peek() == UInt8(ascii: "}") {
                    cursor.position += 1
                } else {
                    repeat {
                        let k = try cursor.string("an annotation name")
                        try cursor.expect(UInt8(ascii: ":"), "':' after an annotation name")
                        let v = try cursor.value(depth: 2)
                        attributes.append(Attribute(key: k, value: v))
                    } while try cursor.nextMember(close: UInt8(ascii: "}"), in: "annotations")
                }
            } else {
                try cursor.value()
            }
            guard try cursor.nextMember(close: UInt8(ascii: "}"), in: "the object") else { break }
            key = try cursor.string("an object key")
        }
        guard let type else { throw LineProblem(offset: 0, "SPADE object without \"type\"") }
        let first = annotations ?? attributes.count
        let count = attributes.count - first
        if JSONText.equals(line, type.span, "Activity") || JSONText.equals(line, type.span, "Entity")
            || JSONText.equals(line, type.span, "Agent")
        {
            guard let id else { throw LineProblem(offset: 0, "SPADE vertex without \"id\"") }
            guard let node = IdentifierText.decode(line, id.span), !node.isRelation else {
                throw LineProblem(offset: id.span.start, "vertex id \(quoted(line, id.span)) is not a node identifier")
            }
            elements.append(PendingElement(section: Section.forNode(node), id: node, sender: .zero, receiver: .zero,
                                           firstAttribute: first, attributeCount: count))
            return
        }
        guard let section = Self.sectionForEdgeType(line, type.span) else {
            throw LineProblem(offset: type.span.start, "unknown SPADE type \(quoted(line, type.span))")
        }
        guard let from, let to else { throw LineProblem(offset: 0, "SPADE edge without \"from\" and \"to\"") }
        guard let receiver = IdentifierText.decode(line, from.span) else {
            throw LineProblem(offset: from.span.start, "edge from \(quoted(line, from.span)) is not an identifier")
        }
        guard let sender = IdentifierText.decode(line, to.span) else {
            throw LineProblem(offset: to.span.start, "edge to \(quoted(line, to.span)) is not an identifier")
        }
        var relation: Identifier?
        for a in attributes[first...] where JSONText.equals(line, a.key.span, "id") {
            if let s = JSONText.stringContent(line, a.value) { relation = IdentifierText.decode(line, s.span) }
            guard relation != nil else { throw LineProblem(offset: a.value.start, "edge annotation id is not an identifier") }
        }
        guard let relation else { throw LineProblem(offset: 0, "SPADE edge without annotations.id (the relation identifier)") }
        elements.append(PendingElement(section: section, id: relation, sender: sender, receiver: receiver,
                                       firstAttribute: first, attributeCount: count))
    }

    // MARK: names

    static func sectionNamed(_ line: UnsafeBufferPointer<UInt8>, _ span: ByteSpan) -> Section? {
        for section in Section.allCases where JSONText.equals(line, span, section.w3cNameStatic) { return section }
        return nil
    }

    static func sectionForEdgeType(_ line: UnsafeBufferPointer<UInt8>, _ span: ByteSpan) -> Section? {
        for section in Section.allCases where section.isRelation && JSONText.equals(line, span, section.spadeEdgeTypeStatic) {
            return section
        }
        return nil
    }
}

/// A span shown in an error message, quoted and cut to 60 bytes.
func quoted(_ line: UnsafeBufferPointer<UInt8>, _ span: ByteSpan) -> String {
    let end = min(span.end, span.start + 60)
    let text = String(decoding: UnsafeBufferPointer(rebasing: line[span.start..<end]), as: UTF8.self)
    return "\"" + text + (end < span.end ? "…" : "") + "\""
}

extension Section {
    var w3cNameStatic: StaticString {
        switch self {
        case .activity: "activity"
        case .agent: "agent"
        case .entity: "entity"
        case .used: "used"
        case .wasGeneratedBy: "wasGeneratedBy"
        case .wasInformedBy: "wasInformedBy"
        case .wasAssociatedWith: "wasAssociatedWith"
        case .wasInfluencedBy: "wasInfluencedBy"
        case .wasDerivedFrom: "wasDerivedFrom"
        }
    }

    var spadeEdgeTypeStatic: StaticString {
        switch self {
        case .used: "Used"
        case .wasGeneratedBy: "WasGeneratedBy"
        case .wasInformedBy: "WasInformedBy"
        case .wasAssociatedWith: "WasAssociatedWith"
        case .wasInfluencedBy: "WasInfluencedBy"
        case .wasDerivedFrom: "WasDerivedFrom"
        default: ""
        }
    }

    var senderRoleKey: StaticString {
        switch self {
        case .used: "prov:entity"
        case .wasGeneratedBy: "prov:activity"
        case .wasInformedBy: "prov:informant"
        case .wasAssociatedWith: "prov:agent"
        case .wasInfluencedBy: "prov:influencer"
        case .wasDerivedFrom: "prov:usedEntity"
        default: ""
        }
    }

    var receiverRoleKey: StaticString {
        switch self {
        case .used: "prov:activity"
        case .wasGeneratedBy: "prov:entity"
        case .wasInformedBy: "prov:informed"
        case .wasAssociatedWith: "prov:activity"
        case .wasInfluencedBy: "prov:influencee"
        case .wasDerivedFrom: "prov:generatedEntity"
        default: ""
        }
    }
}
