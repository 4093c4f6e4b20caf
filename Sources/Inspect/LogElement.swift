import Provenance

/// The two log layouts `camflow record` writes.
public enum LogFormat: String, Sendable, CaseIterable {
    /// W3C PROV-JSON, one document per line.
    case w3c
    /// SPADE JSON, one vertex or edge object per line.
    case spade
}

/// Where an element sits in a W3C document: a node section or a relation
/// section (with the roles of its two endpoints).
public enum Section: Int, Sendable, CaseIterable {
    case activity, agent, entity
    case used, wasGeneratedBy, wasInformedBy, wasAssociatedWith, wasInfluencedBy, wasDerivedFrom

    /// Section order of a W3C document (the original's).
    public static let documentOrder: [Section] = [
        .activity, .agent, .entity, .used, .wasGeneratedBy, .wasInformedBy, .wasAssociatedWith,
        .wasInfluencedBy, .wasDerivedFrom,
    ]

    /// Whether elements of this section are relations.
    public var isRelation: Bool { rawValue >= Section.used.rawValue }

    /// The W3C section name.
    public var w3cName: String { w3cNameStatic.description }

    /// The SPADE edge `type` of a relation section (`Used`, `WasGeneratedBy`, ...).
    public var spadeEdgeType: String { spadeEdgeTypeStatic.description }

    /// The W3C key of the role information flows from (the sender); empty for node sections.
    public var senderRole: String { senderRoleKey.description }

    /// The W3C key of the role information flows to (the receiver); empty for node sections.
    public var receiverRole: String { receiverRoleKey.description }

    /// The node section of a node identifier (from its class bits); entity
    /// when no class bit is set.
    public static func forNode(_ id: Identifier) -> Section {
        switch NodeType(rawValue: id.type).nodeClass {
        case .activity: .activity
        case .agent: .agent
        default: .entity
        }
    }

    /// The relation section of a relation family.
    public static func forFamily(_ family: RelationFamily?) -> Section? {
        switch family {
        case .used: .used
        case .generated: .wasGeneratedBy
        case .informed: .wasInformedBy
        case .associated: .wasAssociatedWith
        case .influenced: .wasInfluencedBy
        case .derived: .wasDerivedFrom
        case nil: nil
        }
    }
}

/// One attribute of an element: key (string content, no quotes) and raw
/// JSON value, as spans of the line.
public struct Attribute: Sendable {
    public var key: StringSpan
    public var value: ByteSpan
}

/// A node or relation read from a log line. Valid only inside the visitor
/// callback: it points into the reader's buffer.
public struct LogElement {
    /// The bytes of the whole line.
    public let line: UnsafeBufferPointer<UInt8>
    /// The layout of the line the element was read from.
    public let format: LogFormat
    public let section: Section
    /// The element's identifier.
    public let id: Identifier
    /// For relations: the node information flows from.
    public let sender: Identifier
    /// For relations: the node information flows to.
    public let receiver: Identifier
    /// Attributes in line order. W3C: every member of the element object
    /// (roles included). SPADE: the members of `annotations`.
    public let attributes: UnsafeBufferPointer<Attribute>

    /// The raw JSON value of attribute `key`, if present.
    @inline(__always)
    public func value(_ key: StaticString) -> ByteSpan? {
        for a in attributes where JSONText.equals(line, a.key.span, key) { return a.value }
        return nil
    }

    /// The decoded string value of attribute `key`, if present and a string.
    public func string(_ key: StaticString) -> String? {
        guard let v = value(key), let s = JSONText.stringContent(line, v) else { return nil }
        return JSONText.string(line, s)
    }

    /// The unsigned value of attribute `key` (`123` or `"123"`), if present.
    public func unsigned(_ key: StaticString) -> UInt64? {
        value(key).flatMap { JSONText.unsigned(line, $0) }
    }

    /// The decoded key of an attribute.
    public func keyText(_ a: Attribute) -> String { JSONText.string(line, a.key) }

    /// The raw JSON text of a span.
    public func raw(_ span: ByteSpan) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: line[span.start..<span.end]), as: UTF8.self)
    }
}

/// Receives the elements of each valid line.
public protocol LogVisitor {
    mutating func visit(_ element: LogElement)
}
