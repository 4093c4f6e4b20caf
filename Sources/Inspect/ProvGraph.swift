import Provenance

/// The structure of a provenance graph read from one or more logs, kept
/// compact: identifiers are interned into integer node indices, relations are
/// integer pairs, and only the attributes lineage prints are kept (a name and
/// a pid per node, the order of command-line arguments). Information flows
/// along each edge from `edgeSender` to `edgeReceiver`.
public struct ProvGraph: Sendable {
    /// Identifier of each node index.
    public private(set) var identifiers: [Identifier] = []
    /// Whether the node appeared as an element (not only as a relation endpoint).
    public private(set) var declared: [Bool] = []
    /// Index into `names` (-1: none): path name, cf:name, argument value, ...
    public private(set) var nameIndex: [Int32] = []
    /// pid of tasks, tgid of process memory (0: none).
    public private(set) var processID: [UInt32] = []
    /// Interned names.
    public private(set) var names: [String] = []

    /// Relation edges: sender, receiver, index into `relationTypes`.
    public private(set) var edgeSender: [Int32] = []
    public private(set) var edgeReceiver: [Int32] = []
    public private(set) var edgeType: [UInt16] = []
    /// Relation type words seen, indexed by `edgeType`.
    public private(set) var relationTypes: [UInt64] = []
    /// Relation id of each `arg` edge (arguments are recorded in order).
    public private(set) var argumentOrder: [Int32: UInt64] = [:]

    private var index: [Identifier: Int32] = [:]
    private var nameLookup: [String: Int32] = [:]
    private var relationTypeLookup: [UInt64: UInt16] = [:]

    // adjacency (compressed rows), built by `finish()`
    private var incomingStart: [Int32] = []
    private var incomingEdges: [Int32] = []
    private var outgoingStart: [Int32] = []
    private var outgoingEdges: [Int32] = []

    public init() {}

    /// Number of nodes (declared or only referenced).
    public var nodeCount: Int { identifiers.count }
    /// Number of relation edges.
    public var edgeCount: Int { edgeSender.count }

    /// The node index of `id`, if it is in the graph.
    public func node(_ id: Identifier) -> Int32? { index[id] }

    /// The name kept for a node, if any.
    public func name(of node: Int32) -> String? {
        let i = nameIndex[Int(node)]
        return i >= 0 ? names[Int(i)] : nil
    }

    /// The interned index of a name, if some node carries it.
    public func nameIndex(of name: String) -> Int32? { nameLookup[name] }

    /// The relation type name of an edge.
    public func relationName(of edge: Int32) -> String {
        let word = relationTypes[Int(edgeType[Int(edge)])]
        return RelationType(rawValue: word).name ?? "unknown(0x\(String(word, radix: 16)))"
    }

    /// The relation type word of an edge.
    public func relationType(of edge: Int32) -> UInt64 { relationTypes[Int(edgeType[Int(edge)])] }

    // MARK: building

    mutating func intern(_ id: Identifier) -> Int32 {
        if let existing = index[id] { return existing }
        let n = Int32(identifiers.count)
        index[id] = n
        identifiers.append(id)
        declared.append(false)
        nameIndex.append(-1)
        processID.append(0)
        return n
    }

    mutating func internName(_ name: String) -> Int32 {
        if let existing = nameLookup[name] { return existing }
        let n = Int32(names.count)
        nameLookup[name] = n
        names.append(name)
        return n
    }

    /// Adds a node's name and pid when the node is first declared.
    mutating func declare(_ node: Int32, name: String?, processID pid: UInt32?) {
        let i = Int(node)
        declared[i] = true
        if nameIndex[i] < 0, let name, !name.isEmpty { nameIndex[i] = internName(name) }
        if processID[i] == 0, let pid { processID[i] = pid }
    }

    mutating func addEdge(relation: Identifier, sender: Int32, receiver: Int32) {
        let word = relation.type
        let typeIndex: UInt16
        if let known = relationTypeLookup[word] {
            typeIndex = known
        } else {
            typeIndex = UInt16(truncatingIfNeeded: relationTypes.count)
            relationTypeLookup[word] = typeIndex
            relationTypes.append(word)
        }
        if word == GraphTypes.arg { argumentOrder[Int32(edgeSender.count)] = relation.id }
        edgeSender.append(sender)
        edgeReceiver.append(receiver)
        edgeType.append(typeIndex)
    }

    /// Builds the adjacency lists; call once after the last element.
    public mutating func finish() {
        (incomingStart, incomingEdges) = Self.rows(count: nodeCount, keys: edgeReceiver)
        (outgoingStart, outgoingEdges) = Self.rows(count: nodeCount, keys: edgeSender)
    }

    private static func rows(count: Int, keys: [Int32]) -> ([Int32], [Int32]) {
        var start = [Int32](repeating: 0, count: count + 1)
        for k in keys { start[Int(k) + 1] += 1 }
        for i in 0..<count { start[i + 1] += start[i] }
        var fill = start
        var edges = [Int32](repeating: 0, count: keys.count)
        for (e, k) in keys.enumerated() {
            edges[Int(fill[Int(k)])] = Int32(e)
            fill[Int(k)] += 1
        }
        return (start, edges)
    }

    /// Frees the identifier and name lookup tables once the query's targets
    /// are resolved (`node(_:)` and `nameIndex(of:)` answer nil afterwards).
    public mutating func releaseLookups() {
        index = [:]
        nameLookup = [:]
    }

    /// Edges whose receiver is `node` (information flowing in).
    public func incoming(_ node: Int32) -> ArraySlice<Int32> {
        incomingEdges[Int(incomingStart[Int(node)])..<Int(incomingStart[Int(node) + 1])]
    }

    /// Edges whose sender is `node` (information flowing out).
    public func outgoing(_ node: Int32) -> ArraySlice<Int32> {
        outgoingEdges[Int(outgoingStart[Int(node)])..<Int(outgoingStart[Int(node) + 1])]
    }
}

/// Type words the graph and lineage treat specially.
enum GraphTypes {
    static func node(_ name: String) -> UInt64 { NodeType(name: name)?.rawValue ?? 0 }
    static func relation(_ name: String) -> UInt64 { RelationType(name: name)?.rawValue ?? 0 }

    static let path = node("path")
    static let task = node("task")
    static let process = node("process_memory")
    static let argv = node("argv")
    static let envp = node("envp")
    static let string = node("string")
    static let address = node("address")
    static let machine = node("machine")
    static let xattr = node("xattr")
    static let packet = node("packet")
    static let shm = node("shm")
    static let sb = node("sb")
    static let iattr = node("iattr")
    static let packetContent = node("packet_content")
    /// Inode kinds: their cf:name is the file's path.
    static let inodes: Set<UInt64> = Set(
        ["inode_unknown", "link", "file", "directory", "char", "block", "pipe", "socket"].map(node))

    static let named = relation("named")
    static let arg = relation("arg")
    static let env = relation("env")
}

/// Fills a `ProvGraph` from log elements.
public struct GraphBuilder: LogVisitor {
    public var graph = ProvGraph()

    public init() {}

    public mutating func visit(_ element: LogElement) {
        if element.section.isRelation {
            let sender = graph.intern(element.sender)
            let receiver = graph.intern(element.receiver)
            graph.addEdge(relation: element.id, sender: sender, receiver: receiver)
            return
        }
        let node = graph.intern(element.id)
        let type = element.id.type
        var name: String?
        var pid: UInt32?
        switch type {
        case GraphTypes.path:
            name = element.string("cf:pathname") ?? element.string("pathname")
        case GraphTypes.task:
            name = element.string("cf:name")
            pid = (element.unsigned("cf:pid") ?? element.unsigned("pid")).map { UInt32(truncatingIfNeeded: $0) }
        case GraphTypes.process:
            name = element.string("cf:name")
            pid = (element.unsigned("cf:tgid") ?? element.unsigned("tgid")).map { UInt32(truncatingIfNeeded: $0) }
        case GraphTypes.argv, GraphTypes.envp:
            name = element.string("cf:value") ?? element.string("value")
        case GraphTypes.string:
            name = element.string("cf:log") ?? element.string("log")
        case GraphTypes.machine:
            name = element.string("cf:u_nodename") ?? element.string("u_nodename")
        case GraphTypes.xattr:
            name = element.string("cf:name") ?? element.string("name")
        case GraphTypes.address:
            if let path = element.string("cf:path") ?? element.string("path") {
                name = path
            } else if let host = element.string("cf:host") ?? element.string("host") {
                let service = element.string("cf:service") ?? element.string("service") ?? ""
                name = service.isEmpty ? host : host + ":" + service
            }
        default:
            if GraphTypes.inodes.contains(type) { name = element.string("cf:name") }
        }
        graph.declare(node, name: name, processID: pid == 0 ? nil : pid)
    }
}
