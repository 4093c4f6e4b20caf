import Provenance

/// Encodes records as SPADE JSON lines, in the layout of the reference
/// camflowd (`format=spade_json`) that SPADE's CamFlow reporter reads: one
/// JSON object per line, vertices
///
///     {"type":"Entity","id":"<id>","annotations": {"object_id":"4300","object_type":"file",...}}
///
/// and edges
///
///     {"type":"Used","from":"<receiver id>","to":"<sender id>","annotations": {"id":"<relation id>",...}}
///
/// with the reference's member order, its mixed `cf:` prefixes (bare
/// `object_id`, `object_type`, `boot_id`, `version`; prefixed
/// `cf:machine_id`, `cf:date`, `cf:name`, `cf:taint`, `cf:jiffies`,
/// `cf:epoch`) and the space after `"annotations":`. Ids are the base64 of
/// the 32 identifier bytes without the `cf:` prefix. Edges point from the
/// receiver (effect) to the sender (cause), the SPADE/OPM convention.
///
/// Fixes over the reference (see docs/output-formats.md):
///
/// - every string is JSON-escaped (defect O1), never truncated (O2);
/// - disclosed nodes are serialized from their own record (the reference
///   re-emitted whatever line the thread had written last, O3);
/// - `string` (log) nodes and `sb` nodes are emitted (O4);
/// - the machine vertex is an `Agent` (the reference typed it `Entity`);
/// - `cf:date` is the record's kernel timestamp;
/// - `ino` is the full 64-bit inode number (O6).
///
/// One encoder per thread: it keeps a per-thread date cache.
public struct SPADEEncoder {
    /// Source of `cf:name` values; path records are added to it as they are encoded.
    public var nameCache: NameCache?
    /// Source of `secctx` values; without one (or on a miss) the secid is
    /// written in lowercase hex, as the reference does when translation fails.
    public var securityContexts: (any SecurityContextResolver)?
    /// `l_version` of machine vertices (written with a leading "v", like the reference).
    public var userspaceVersion: [UInt8]

    var date = DateStamp()
    /// The last machine id and jiffies written (mostly repeated from record to record).
    var machineIDText = DecimalCache()
    var jiffiesText = DecimalCache()
    /// The type-name table, held to avoid a lazy-global check per record.
    let typeNames = TypeNameTable.shared

    /// Creates an encoder.
    public init(nameCache: NameCache? = nil,
                securityContexts: (any SecurityContextResolver)? = nil,
                userspaceVersion: String = CamflowVersion.string) {
        self.nameCache = nameCache
        self.securityContexts = securityContexts
        self.userspaceVersion = Array(userspaceVersion.utf8)
    }

    /// Appends the line for `record`, `\n` included, to `out`.
    /// - Returns: false, leaving `out` unchanged, for a relation whose type
    ///   has no family (no edge type to give it).
    @discardableResult
    public mutating func appendLine(_ record: Record, to out: inout [UInt8]) -> Bool {
        var buffer = ByteBuffer(capacity: 1024)
        let written = appendLine(record, to: &buffer)
        out.append(contentsOf: buffer.bytes)
        return written
    }

    /// Appends the line for `record`, `\n` included, to `out` (the batches' fast path).
    /// - Returns: false, leaving `out` unchanged, for a relation without family.
    @discardableResult
    public mutating func appendLine(_ record: Record, to out: inout ByteBuffer) -> Bool {
        switch record.payload {
        case let .relation(info):
            guard let family = RelationType(rawValue: record.typeWord).family else { return false }
            appendEdge(record, info, family, to: &out)
        case let .packet(info):
            appendPacket(record, info, to: &out)
        default:
            appendVertexPrefix(record, to: &out)
            appendAnnotations(record, to: &out)
            out.append("}}\n")
        }
        return true
    }

    // MARK: - Vertices

    /// The SPADE vertex type of a node record, from the class bits of its
    /// type: `Activity` (task, disc_activity), `Agent` (machine,
    /// disc_agent) or `Entity` (everything else).
    ///
    /// Fix over the reference, which typed the machine `Entity`: the
    /// machine is the agent of the `WasAssociatedWith` (ran_on) edges, and
    /// PROV, like SPADE's typed PROV reporter, requires an `Agent` there.
    static func vertexType(_ record: Record) -> StaticString {
        switch NodeType(rawValue: record.typeWord).nodeClass {
        case .activity: return "Activity"
        case .agent: return "Agent"
        case .entity, .none: return "Entity"
        }
    }

    /// `{"type":..,"id":..,"annotations": {"object_id":..,"object_type":..,"boot_id":..,
    /// "cf:machine_id":..,"version":..,"cf:date":..[,"cf:name":..],"cf:taint":..,
    /// "cf:jiffies":..,"cf:epoch":..` (no closing braces).
    mutating func appendVertexPrefix(_ record: Record, to out: inout ByteBuffer) {
        let id = record.identifier
        out.append("{\"type\":\"")
        out.append(Self.vertexType(record))
        out.append("\",\"id\":\"")
        out.appendBase64(id)
        out.append("\",\"annotations\": {\"object_id\":\"")
        out.appendDecimal(id.id)
        out.append("\",\"object_type\":\"")
        appendNodeTypeName(record.typeWord, to: &out)
        out.append("\",\"boot_id\":")
        out.appendDecimal(UInt64(id.bootID))
        out.append(",\"cf:machine_id\":\"cf:")
        machineIDText.append(UInt64(id.machineID), to: &out)
        out.append("\",\"version\":")
        out.appendDecimal(UInt64(id.version))
        out.append(",\"cf:date\":")
        date.append(timeNs: record.header.timeNs, to: &out)
        appendName(record, to: &out)
        out.append(",\"cf:taint\":\"")
        out.appendHex(record.element.taint)
        out.append("\",\"cf:jiffies\":\"")
        jiffiesText.append(record.element.jiffies, to: &out)
        out.append("\",\"cf:epoch\":")
        out.appendDecimal(UInt64(record.element.epoch))
    }

    /// `,"cf:name":"..."` if the node's name_id resolves in the name cache
    /// (every vertex kind, as the reference).
    func appendName(_ record: Record, to out: inout ByteBuffer) {
        let nameID = record.node.nameID
        guard nameID.type != 0, let cache = nameCache else { return }
        // Escaped straight from the cache slot (no copy of the name).
        _ = cache.withName(for: nameID) { name in
            guard name.count > 0 else { return }
            out.append(",\"cf:name\":")
            out.appendJSONString(name)
        }
    }

    /// `,"secctx":"..."`: the resolved context, or the secid in hex.
    func appendSecctx(_ secid: UInt32, to out: inout ByteBuffer) {
        out.append(",\"secctx\":")
        if let resolver = securityContexts, let ctx = resolver.securityContext(for: secid), !ctx.isEmpty {
            out.appendJSONString(ctx)
        } else {
            out.append(UInt8(ascii: "\""))
            out.appendHex(UInt64(secid))
            out.append(UInt8(ascii: "\""))
        }
    }

    /// Node type name, unquoted, "unknown" if not in the table.
    @inline(__always)
    func appendNodeTypeName(_ word: UInt64, to out: inout ByteBuffer) {
        if !typeNames.append(word, relation: false, to: &out) { out.append("unknown") }
    }

    /// Relation type name, unquoted, "unknown" if not in the table.
    @inline(__always)
    func appendRelationTypeName(_ word: UInt64, to out: inout ByteBuffer) {
        if !typeNames.append(word, relation: true, to: &out) { out.append("unknown") }
    }

    // MARK: - Edges

    /// The SPADE edge type of a relation family.
    static func edgeType(_ family: RelationFamily) -> StaticString {
        switch family {
        case .used: return "Used"
        case .generated: return "WasGeneratedBy"
        case .informed: return "WasInformedBy"
        case .influenced: return "WasInfluencedBy"
        case .associated: return "WasAssociatedWith"
        case .derived: return "WasDerivedFrom"
        }
    }

    /// Edge line: from = receiver, to = sender; annotations id, relation_id,
    /// relation_type, boot_id, cf:machine_id, cf:date, epoch, jiffies,
    /// allowed, [offset], flags, task_id, from_type, to_type.
    mutating func appendEdge(_ record: Record, _ info: RelationInfo, _ family: RelationFamily,
                             to out: inout ByteBuffer) {
        let id = record.identifier
        out.append("{\"type\":\"")
        out.append(Self.edgeType(family))
        out.append("\",\"from\":\"")
        out.appendBase64(info.receiver)
        out.append("\",\"to\":\"")
        out.appendBase64(info.sender)
        out.append("\",\"annotations\": {\"id\":\"")
        out.appendBase64(id)
        out.append("\",\"relation_id\":\"")
        out.appendDecimal(id.id)
        out.append("\",\"relation_type\":\"")
        appendRelationTypeName(record.typeWord, to: &out)
        out.append("\",\"boot_id\":")
        out.appendDecimal(UInt64(id.bootID))
        out.append(",\"cf:machine_id\":\"cf:")
        machineIDText.append(UInt64(id.machineID), to: &out)
        out.append("\",\"cf:date\":")
        date.append(timeNs: record.header.timeNs, to: &out)
        out.append(",\"epoch\":")
        out.appendDecimal(UInt64(record.element.epoch))
        out.append(",\"jiffies\":\"")
        jiffiesText.append(record.element.jiffies, to: &out)
        out.append(info.allowed ? "\",\"allowed\":\"true\"" : "\",\"allowed\":\"false\"")
        if info.hasOffset && info.offset > 0 {
            out.append(",\"offset\":\"")
            out.appendDecimal(info.offset)
            out.append(UInt8(ascii: "\""))
        }
        out.append(",\"flags\":\"")
        out.appendHex(info.flags)
        out.append("\",\"task_id\":\"")
        out.appendDecimal(info.taskID)
        out.append("\",\"from_type\":\"")
        appendNodeTypeName(info.receiver.type, to: &out)
        out.append("\",\"to_type\":\"")
        appendNodeTypeName(info.sender.type, to: &out)
        out.append("\"}}\n")
    }

    // MARK: - Packets

    /// Packet vertex (no common prefix): object_type, cf:date, packet_id,
    /// seq, sender, receiver, jiffies, ih_len, then for a labelled packet the
    /// sender's ids (sender_boot_id, sender_machine_id, from `name_id`). The
    /// network-order identifier fields are converted to host order.
    mutating func appendPacket(_ record: Record, _ info: PacketInfo, to out: inout ByteBuffer) {
        let p = record.identifier.packet
        out.append("{\"type\":\"Entity\",\"id\":\"")
        out.appendBase64(record.identifier)
        out.append("\",\"annotations\": {\"object_type\":\"packet\",\"cf:date\":")
        date.append(timeNs: record.header.timeNs, to: &out)
        out.append(",\"packet_id\":")
        out.appendDecimal(UInt64(p.id))
        out.append(",\"seq\":")
        out.appendDecimal(UInt64(p.sequence))
        out.append(",\"sender\":\"")
        out.appendEndpoint(ip: p.senderIP, port: p.senderPort)
        out.append("\",\"receiver\":\"")
        out.appendEndpoint(ip: p.receiverIP, port: p.receiverPort)
        out.append("\",\"jiffies\":\"")
        jiffiesText.append(record.element.jiffies, to: &out)
        out.append("\",\"ih_len\":")
        out.appendDecimal(UInt64(info.length))
        out.appendPacketSender(record.node.nameID, bootKey: ",\"sender_boot_id\":",
                               machineKey: ",\"sender_machine_id\":")
        out.append("}}\n")
    }
}
