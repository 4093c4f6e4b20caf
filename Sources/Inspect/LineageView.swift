import Provenance

/// One kernel object of a lineage (all its versions in the result), as
/// printed in the tree and the DOT graph.
public struct LineageObject: Sendable {
    /// Type, id, boot and machine shared by its versions.
    public let key: ObjectKey
    /// Type name (`file`, `process_memory`, ...).
    public let typeName: String
    /// Path names and other names (`cf:name`, path nodes naming it, argument value, host).
    public internal(set) var names: [String] = []
    /// pid (task) or tgid (process memory), 0 when unknown.
    public internal(set) var processID: UInt32 = 0
    /// Command line from the `arg` relations into its versions, in order.
    public internal(set) var arguments: [String] = []
    /// Whether one of the query's targets is a version of this object.
    public internal(set) var isTarget = false
    /// Lowest and highest version number seen.
    public internal(set) var versionRange: ClosedRange<UInt32>

    /// W3C class of the object (activity, agent or entity).
    public var nodeClass: NodeClass { NodeType(rawValue: key.type).nodeClass ?? .entity }
}

/// A relation between two objects of a lineage, in the direction of
/// information flow, with the relation types seen between them.
public struct LineageLink: Sendable {
    /// Object information flows from.
    public let sender: Int
    /// Object information flows to.
    public let receiver: Int
    /// Relation type names, sorted.
    public var relations: [String]
}

/// The lineage grouped by object: versions merged, arguments and
/// environment folded into their process, links deduplicated.
public struct LineageView: Sendable {
    /// Ancestors or descendants.
    public let direction: LineageDirection
    /// Every object reached, the targets' objects first.
    public private(set) var objects: [LineageObject] = []
    /// Object-to-object flows (indices into `objects`).
    public private(set) var links: [LineageLink] = []
    /// Objects the query started from.
    public private(set) var roots: [Int] = []
    /// Whether the objects come from more than one machine.
    public private(set) var spansMachines = false
    /// Node versions grouped by object (`versionStart[o]..<versionStart[o+1]`), lowest version first.
    private var versionNodes: [Int32] = []
    private var versionStart: [Int] = []

    /// The node versions of object `o` in the result, lowest version first.
    public func versions(of o: Int) -> ArraySlice<Int32> { versionNodes[versionStart[o]..<versionStart[o + 1]] }

    /// Groups `lineage` (computed on `graph`) by object.
    public init(graph: ProvGraph, lineage: Lineage) {
        direction = lineage.direction
        var objectOf: [ObjectKey: Int] = [:]
        var objectOfNode = [Int32](repeating: -1, count: graph.nodeCount)
        var counts: [Int] = []
        func add(_ node: Int32, target: Bool) {
            let id = graph.identifiers[Int(node)]
            let key = ObjectKey(id)
            let o: Int
            if let existing = objectOf[key] {
                o = existing
                let r = objects[o].versionRange
                objects[o].versionRange = min(r.lowerBound, id.version)...max(r.upperBound, id.version)
                counts[o] += 1
            } else {
                o = objects.count
                objectOf[key] = o
                objects.append(LineageObject(key: key, typeName: IdentifierText.typeName(id),
                                             versionRange: id.version...id.version))
                counts.append(1)
            }
            objectOfNode[Int(node)] = Int32(o)
            if target && !objects[o].isTarget {
                objects[o].isTarget = true
                roots.append(o)
            }
        }
        for t in lineage.targets { add(t, target: true) }
        for n in lineage.reached { add(n, target: false) }
        objectOf = [:]

        // versions grouped by object (counting sort), each group by version
        versionStart = [Int](repeating: 0, count: objects.count + 1)
        for o in objects.indices { versionStart[o + 1] = versionStart[o] + counts[o] }
        var fill = versionStart
        versionNodes = [Int32](repeating: 0, count: versionStart[objects.count])
        for node in lineage.targets + lineage.reached {
            let o = Int(objectOfNode[Int(node)])
            versionNodes[fill[o]] = node
            fill[o] += 1
        }
        var machines = Set<UInt32>()
        for o in objects.indices {
            versionNodes[versionStart[o]..<versionStart[o + 1]].sort {
                graph.identifiers[Int($0)].version < graph.identifiers[Int($1)].version
            }
            Self.describe(&objects[o], versions: versionNodes[versionStart[o]..<versionStart[o + 1]], graph: graph)
            if !objects[o].key.isPacket { machines.insert(objects[o].key.machine) }
        }
        spansMachines = machines.count > 1

        // links between objects, in flow direction, without the folded kinds:
        // (sender << 32 | receiver, relation type) pairs, sorted and deduplicated
        let folded: Set<UInt64> = [GraphTypes.argv, GraphTypes.envp]
        var pairs: [(key: UInt64, type: UInt16)] = []
        for node in versionNodes {
            let o = Int(objectOfNode[Int(node)])
            if folded.contains(objects[o].key.type) { continue }
            let edges = direction == .ancestors ? graph.incoming(node) : graph.outgoing(node)
            for e in edges where graph.relationType(of: e) != GraphTypes.named {
                let other = direction == .ancestors ? graph.edgeSender[Int(e)] : graph.edgeReceiver[Int(e)]
                let p = Int(objectOfNode[Int(other)])
                guard p >= 0, p != o, !folded.contains(objects[p].key.type) else { continue }
                let (s, r) = direction == .ancestors ? (p, o) : (o, p)
                pairs.append((UInt64(s) << 32 | UInt64(r), graph.edgeType[Int(e)]))
            }
        }
        pairs.sort { $0.key != $1.key ? $0.key < $1.key : $0.type < $1.type }
        var shared: [[UInt16]: [String]] = [:]  // one array per set of relation types
        var i = 0
        while i < pairs.count {
            let key = pairs[i].key
            var types: [UInt16] = []
            while i < pairs.count && pairs[i].key == key {
                if types.last != pairs[i].type { types.append(pairs[i].type) }
                i += 1
            }
            let names: [String]
            if let known = shared[types] {
                names = known
            } else {
                names = types.map { t in
                    let word = graph.relationTypes[Int(t)]
                    return RelationType(rawValue: word).name ?? "unknown(0x\(String(word, radix: 16)))"
                }.sorted()
                shared[types] = names
            }
            links.append(LineageLink(sender: Int(key >> 32), receiver: Int(key & 0xFFFF_FFFF), relations: names))
        }
        pairs = []

        // per object, its child links in tree order (compressed rows)
        childStart = [Int](repeating: 0, count: objects.count + 1)
        for link in links { childStart[(direction == .ancestors ? link.receiver : link.sender) + 1] += 1 }
        for o in objects.indices { childStart[o + 1] += childStart[o] }
        var next = childStart
        childOrder = [Int](repeating: 0, count: links.count)
        for (l, link) in links.enumerated() {
            let parent = direction == .ancestors ? link.receiver : link.sender
            childOrder[next[parent]] = l
            next[parent] += 1
        }
        let snapshot = (objects: self.objects, links: self.links, direction: self.direction)
        // data flows first, then links made only of metadata relations
        func order(_ l: Int) -> (Int, String, String, UInt64) {
            let link = snapshot.links[l]
            let o = snapshot.objects[snapshot.direction == .ancestors ? link.sender : link.receiver]
            let metadata = link.relations.allSatisfy(Self.metadataRelations.contains) ? 1 : 0
            return (metadata, o.typeName, o.names.first ?? "", o.key.id)
        }
        for o in objects.indices where childStart[o + 1] - childStart[o] > 1 {
            childOrder[childStart[o]..<childStart[o + 1]].sort { order($0) < order($1) }
        }
    }

    /// Relations that carry metadata or context rather than content; links
    /// made only of these are listed after the others.
    static let metadataRelations: Set<String> = [
        "perm_check", "getattr", "search", "setattr", "setattr_inode", "getxattr", "getxattr_inode",
        "listxattr", "read_link", "ran_on", "open", "file_lock", "inode_create",
    ]

    /// Per object, the links to its children in tree order:
    /// `childOrder[childStart[o]..<childStart[o + 1]]`.
    private var childStart: [Int] = []
    private var childOrder: [Int] = []

    /// Whether an object is folded into another (arguments, environment)
    /// rather than shown on its own.
    public func isFolded(_ o: Int) -> Bool {
        objects[o].key.type == GraphTypes.argv || objects[o].key.type == GraphTypes.envp
    }

    /// Names, pid and command line of an object from its versions.
    private static func describe(_ object: inout LineageObject, versions: ArraySlice<Int32>, graph: ProvGraph) {
        var names: [String] = []
        var arguments: [(UInt64, String)] = []
        for v in versions {
            if let n = graph.name(of: v), !names.contains(n) { names.append(n) }
            if object.processID == 0 { object.processID = graph.processID[Int(v)] }
            for e in graph.incoming(v) {
                let type = graph.relationType(of: e)
                if type == GraphTypes.named, let n = graph.name(of: graph.edgeSender[Int(e)]), !names.contains(n) {
                    names.append(n)
                } else if type == GraphTypes.arg, let order = graph.argumentOrder[e] {
                    arguments.append((order, graph.name(of: graph.edgeSender[Int(e)]) ?? ""))
                }
            }
        }
        if object.key.isPacket {
            let p = object.key.canonical.packet
            names = ["\(dottedQuad(p.senderIP)):\(p.senderPort)->\(dottedQuad(p.receiverIP)):\(p.receiverPort) (\(p.id))"]
        }
        object.names = names
        object.arguments = arguments.sorted { $0.0 < $1.0 }.map(\.1)
    }

    /// Objects sending to (ancestors) or receiving from (descendants)
    /// `object` in tree order, with the relations between them.
    public func children(of object: Int) -> [(object: Int, relations: [String])] {
        childOrder[childStart[object]..<childStart[object + 1]].map { l in
            let link = links[l]
            return (direction == .ancestors ? link.sender : link.receiver, link.relations)
        }
    }

    /// One-line description: type, names, pid, command line, object id,
    /// versions (and machine when the lineage spans several).
    public func label(_ o: Int) -> String {
        let object = objects[o]
        var parts = [object.typeName]
        if !object.names.isEmpty { parts.append(object.names.joined(separator: ", ")) }
        if object.processID != 0 { parts.append("pid \(object.processID)") }
        if !object.arguments.isEmpty { parts.append("[" + object.arguments.joined(separator: " ") + "]") }
        var detail: [String] = []
        if !object.key.isPacket {
            detail.append("id \(object.key.id)")
            let r = object.versionRange
            detail.append(r.lowerBound == r.upperBound ? "version \(r.lowerBound)" : "versions \(r.lowerBound)-\(r.upperBound)")
            if spansMachines { detail.append("machine \(object.key.machine)") }
        }
        return parts.joined(separator: " ") + (detail.isEmpty ? "" : " (" + detail.joined(separator: ", ") + ")")
    }
}
