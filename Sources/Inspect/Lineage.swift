import Provenance

/// Which way lineage follows information flow.
public enum LineageDirection: Sendable {
    /// Everything information flowed from into the target.
    case ancestors
    /// Everything information flowed to from the target.
    case descendants
}

/// What a lineage query starts from.
public enum LineageTarget: Sendable, Equatable {
    /// Every version of every object this absolute path names (through path
    /// nodes and their `named` relations, and the `cf:name` of inodes).
    case path(String)
    /// One node version; with `allVersions`, every version of its object.
    case identifier(Identifier, allVersions: Bool)

    /// Reads a command-line argument: an absolute path, or an identifier
    /// with or without `cf:`.
    public static func parse(_ text: String, allVersions: Bool) throws(LineageError) -> LineageTarget {
        if text.hasPrefix("/") { return .path(text) }
        let id: Identifier
        do {
            id = try IdentifierText.parse(text)
        } catch {
            throw LineageError(message: "'\(text)' is neither an absolute path nor a node identifier: \(error)")
        }
        guard !id.isRelation else {
            throw LineageError(message: "\(text) is a relation identifier; lineage starts from a node")
        }
        return .identifier(id, allVersions: allVersions)
    }
}

/// A lineage query that cannot be answered (unknown path or identifier).
public struct LineageError: Error, Sendable, CustomStringConvertible {
    /// What cannot be answered, naming the path or identifier.
    public let message: String
    public var description: String { message }
}

/// The identity shared by every version of one kernel object: type, id,
/// boot and machine. A packet is its own object.
public struct ObjectKey: Hashable, Sendable {
    /// The identifier with the version set to 0 (a packet's own identifier).
    public let canonical: Identifier

    /// The object of which `identifier` is a version.
    public init(_ identifier: Identifier) {
        if !identifier.isRelation && identifier.type == GraphTypes.packet {
            canonical = identifier
        } else {
            canonical = Identifier(node: identifier.type, id: identifier.id, bootID: identifier.bootID,
                                   machineID: identifier.machineID, version: 0)
        }
    }

    /// Node type word.
    public var type: UInt64 { canonical.type }
    /// Object id (0 for packets).
    public var id: UInt64 { canonical.id }
    /// Boot id (0 for packets).
    public var boot: UInt32 { canonical.bootID }
    /// Machine id (0 for packets).
    public var machine: UInt32 { canonical.machineID }
    /// Whether the object is a packet (no id, boot, machine or version).
    public var isPacket: Bool { !canonical.isRelation && canonical.type == GraphTypes.packet }
}

/// The nodes reached by a lineage query on a graph.
public struct Lineage: Sendable {
    /// Ancestors or descendants.
    public let direction: LineageDirection
    /// The node versions the query starts from.
    public let targets: [Int32]
    /// Every node reached (targets excluded), in discovery order.
    public let reached: [Int32]

    /// Runs `direction` from `target` over `graph` (built and finished).
    /// Information flows along every relation except `named` (a path names
    /// a file; it is not a source of its content).
    public init(graph: ProvGraph, target: LineageTarget, direction: LineageDirection) throws(LineageError) {
        self.direction = direction
        let targets = try Self.resolve(target, in: graph)
        self.targets = targets
        var seen = [Bool](repeating: false, count: graph.nodeCount)
        for t in targets { seen[Int(t)] = true }
        var order: [Int32] = []
        var stack = targets
        while let node = stack.popLast() {
            let edges = direction == .ancestors ? graph.incoming(node) : graph.outgoing(node)
            for e in edges where graph.relationType(of: e) != GraphTypes.named {
                let next = direction == .ancestors ? graph.edgeSender[Int(e)] : graph.edgeReceiver[Int(e)]
                if seen[Int(next)] { continue }
                seen[Int(next)] = true
                order.append(next)
                stack.append(next)
            }
        }
        reached = order
    }

    /// The node versions a target denotes, or an error naming what is missing.
    static func resolve(_ target: LineageTarget, in graph: ProvGraph) throws(LineageError) -> [Int32] {
        switch target {
        case .identifier(let id, let allVersions):
            if !allVersions {
                guard let node = graph.node(id) else {
                    throw LineageError(message: "node cf:\(id.base64) (\(IdentifierText.typeName(id)) \(id.id) version \(id.version)) is not in the logs")
                }
                return [node]
            }
            let found = versions(of: [ObjectKey(id)], in: graph)
            guard !found.isEmpty else {
                throw LineageError(message: "no version of \(IdentifierText.typeName(id)) \(id.id) (boot \(id.bootID), machine \(id.machineID)) is in the logs")
            }
            return found
        case .path(let path):
            guard let name = graph.nameIndex(of: path) else {
                throw LineageError(message: "no file named \(path) in the logs")
            }
            var objects = Set<ObjectKey>()
            for n in 0..<Int32(graph.nodeCount) where graph.nameIndex[Int(n)] == name {
                let id = graph.identifiers[Int(n)]
                if id.type == GraphTypes.path {
                    for e in graph.outgoing(n) where graph.relationType(of: e) == GraphTypes.named {
                        objects.insert(ObjectKey(graph.identifiers[Int(graph.edgeReceiver[Int(e)])]))
                    }
                } else if GraphTypes.inodes.contains(id.type) {
                    objects.insert(ObjectKey(id))
                }
            }
            let found = versions(of: objects, in: graph)
            guard !found.isEmpty else {
                throw LineageError(message: "\(path) is in the logs but names no file (no named relation from its path node)")
            }
            return found
        }
    }

    /// Every node that is a version of one of `objects`.
    static func versions(of objects: Set<ObjectKey>, in graph: ProvGraph) -> [Int32] {
        guard !objects.isEmpty else { return [] }
        var found: [Int32] = []
        for (n, id) in graph.identifiers.enumerated() where objects.contains(ObjectKey(id)) {
            found.append(Int32(n))
        }
        return found
    }
}
