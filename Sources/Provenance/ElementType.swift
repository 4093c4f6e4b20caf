import CProvenanceABI

/// The W3C PROV class of a node, from the class bits of its type word.
public enum NodeClass: Sendable, Equatable {
    case activity, entity, agent
}

/// Relation families: the W3C PROV relation a relation type belongs to.
public enum RelationFamily: Sendable, Equatable, CaseIterable {
    case derived, generated, used, informed, influenced, associated

    /// The family of a relation type word, or nil if no family bit is set.
    public init?(typeWord: UInt64) {
        let high = typeWord & TYPE_MASK
        switch high {
        case RL_DERIVED: self = .derived
        case RL_GENERATED: self = .generated
        case RL_USED: self = .used
        case RL_INFORMED: self = .informed
        case RL_INFLUENCED: self = .influenced
        case RL_ASSOCIATED: self = .associated
        default: return nil
        }
    }
}

/// A node type word (`ACT_*`, `AGT_*`, `ENT_*`), with its name from the
/// kernel's provenance_names.h table.
public struct NodeType: RawRepresentable, Hashable, Sendable {
    public let rawValue: UInt64
    /// Creates a value from its fields.
    public init(rawValue: UInt64) { self.rawValue = rawValue }

    /// The type name as written in `prov:type` ("task", "file"...), or nil if unknown.
    public var name: String? { TypeNames.shared.nodeNames[rawValue] }

    /// The name bytes (UTF-8, no NUL), or nil if unknown. Used on the hot path.
    public var nameBytes: [UInt8]? { TypeNames.shared.nodeNameBytes[rawValue] }

    /// The W3C class (activity, entity, agent) from the class bits; nil if none is set.
    public var nodeClass: NodeClass? {
        if rawValue & DM_RELATION != 0 { return nil }
        if rawValue & DM_ACTIVITY != 0 { return .activity }
        if rawValue & DM_AGENT != 0 { return .agent }
        if rawValue & DM_ENTITY != 0 { return .entity }
        return nil
    }

    /// Whether records of this type carry a variable-length payload ("long" node).
    public var isLong: Bool { rawValue & ND_LONG != 0 }

    /// The node type with this name, or nil.
    public init?(name: String) {
        guard let raw = TypeNames.shared.nodeTypes[name] else { return nil }
        self.rawValue = raw
    }

    /// Every node type of the kernel table, in table order.
    public static var all: [NodeType] { TypeNames.shared.nodeOrder.map(NodeType.init(rawValue:)) }
}

/// A relation type word (`RL_*`), with its name and family.
public struct RelationType: RawRepresentable, Hashable, Sendable {
    public let rawValue: UInt64
    /// Creates a value from its fields.
    public init(rawValue: UInt64) { self.rawValue = rawValue }

    /// The type name ("read", "write"...), or nil if unknown.
    public var name: String? { TypeNames.shared.relationNames[rawValue] }

    /// The name bytes (UTF-8, no NUL), or nil if unknown. Used on the hot path.
    public var nameBytes: [UInt8]? { TypeNames.shared.relationNameBytes[rawValue] }

    /// The relation family, or nil if the type word has none.
    public var family: RelationFamily? { RelationFamily(typeWord: rawValue) }

    /// The relation type with this name, or nil.
    public init?(name: String) {
        guard let raw = TypeNames.shared.relationTypes[name] else { return nil }
        self.rawValue = raw
    }

    /// Every relation type of the kernel table, in table order.
    public static var all: [RelationType] {
        TypeNames.shared.relationOrder.map(RelationType.init(rawValue:))
    }
}

/// Whether a type word denotes a relation (bit 63).
@inlinable public func isRelationType(_ word: UInt64) -> Bool { word & DM_RELATION != 0 }

/// Lookup tables built once from the C tables of CProvenanceABI.
final class TypeNames: Sendable {
    static let shared = TypeNames()

    let nodeNames: [UInt64: String]
    let nodeNameBytes: [UInt64: [UInt8]]
    let nodeTypes: [String: UInt64]
    let nodeOrder: [UInt64]
    let relationNames: [UInt64: String]
    let relationNameBytes: [UInt64: [UInt8]]
    let relationTypes: [String: UInt64]
    let relationOrder: [UInt64]

    private init() {
        (nodeNames, nodeNameBytes, nodeTypes, nodeOrder) =
            Self.load(prov_node_names(), prov_node_name_count())
        (relationNames, relationNameBytes, relationTypes, relationOrder) =
            Self.load(prov_relation_names(), prov_relation_name_count())
    }

    private static func load(_ table: UnsafePointer<prov_type_name>?, _ count: Int)
        -> ([UInt64: String], [UInt64: [UInt8]], [String: UInt64], [UInt64])
    {
        var names: [UInt64: String] = [:]
        var bytes: [UInt64: [UInt8]] = [:]
        var types: [String: UInt64] = [:]
        var order: [UInt64] = []
        guard let table else { return (names, bytes, types, order) }
        for i in 0..<count {
            let entry = table[i]
            guard let cName = entry.name else { continue }
            let name = String(cString: cName)
            names[entry.type] = name
            bytes[entry.type] = Array(name.utf8)
            types[name] = entry.type
            order.append(entry.type)
        }
        return (names, bytes, types, order)
    }
}
