import Provenance

/// Translates a security id into its security context string, if possible.
public protocol SecurityContextResolver: AnyObject {
    /// The context for `secid` (e.g. "system_u:object_r:etc_t:s0"), or nil.
    func securityContext(for secid: UInt32) -> [UInt8]?
}

/// Encodes records as W3C PROV-JSON elements, byte for byte in the layout of
/// the reference camflowd (document skeleton, key order, value encodings,
/// labels), with the fixes documented on each part:
///
/// - strings are JSON-escaped (`appendEscaped`), never truncated: an element
///   has no size limit, so a 10,000-byte path is one valid element;
/// - `cf:date` is per record (`DateStamp`);
/// - `cf:ino` is the full 64-bit inode number (the reference cut it to 32 bits);
/// - `cf:name` comes from a `NameCache` without ever waiting;
/// - `cf:allowed` follows the ABI (`allowed == 1` means allowed);
/// - address nodes use flat, PROV-valid attributes (`W3CEncoder+Address`);
/// - `sb` nodes are written (the reference dropped them, defect O4);
/// - disclosed nodes carry their content as an escaped `cf:content` string
///   instead of splicing user-supplied bytes into the document.
///
/// One encoder per thread: it keeps a per-thread date cache.
public struct W3CEncoder {
    /// Source of `cf:name` values; path records are added to it as they are encoded.
    public var nameCache: NameCache?
    /// Source of `cf:secctx` values; without one (or on a miss) the secid is
    /// written in lowercase hex, as the reference does when translation fails.
    public var securityContexts: (any SecurityContextResolver)?
    /// `cf:l_version` of machine agents (written with a leading "v", like the reference).
    public var userspaceVersion: [UInt8]

    var date = DateStamp()
    /// The last machine id and jiffies written (mostly repeated from record to record).
    var machineIDText = DecimalCache()
    var jiffiesText = DecimalCache()
    /// Sum of the values `NameCache.prefetch` returned (kept only so that
    /// the loads happen).
    var prefetched: UInt32 = 0
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

    /// Appends `"cf:<id>":{<attributes>}` for `record` to `out`.
    ///
    /// The caller chooses the section with `W3CSection.of(record)`.
    public mutating func appendElement(_ record: Record, to out: inout [UInt8]) {
        var buffer = ByteBuffer(capacity: 1024)
        appendElement(record, to: &buffer)
        out.append(contentsOf: buffer.bytes)
    }

    /// Appends `"cf:<id>":{<attributes>}` for `record` to `out` (the batches' fast path).
    public mutating func appendElement(_ record: Record, to out: inout ByteBuffer) {
        appendElement(record, section: W3CSection.of(record) ?? .used, to: &out)
    }

    /// Appends the element of `record`, whose section the caller already
    /// worked out with `W3CSection.of(record)`.
    mutating func appendElement(_ record: Record, section: W3CSection, to out: inout ByteBuffer) {
        if case .path = record.payload, let cache = nameCache {
            // The name cache slot misses the CPU caches: start loading it now.
            prefetched &+= cache.prefetch(record.identifier)
        }
        out.appendReference(record.identifier)
        out.append(UInt8(ascii: ":"))
        switch record.payload {
        case let .relation(info):
            appendRelation(record, info, section: section, to: &out)
        case let .packet(info):
            appendPacket(record, info, to: &out)
        default:
            appendNodePrefix(record, to: &out)
            appendNodeAttributes(record, to: &out)
            out.append(UInt8(ascii: "}"))
        }
    }

    // MARK: - Shared pieces

    /// `{"cf:id":..,"prov:type":..,"cf:boot_id":..,"cf:machine_id":..,"cf:version":..,
    /// "cf:date":..,"cf:taint":..,"cf:jiffies":..,"cf:epoch":..` (no closing brace).
    mutating func appendNodePrefix(_ record: Record, to out: inout ByteBuffer) {
        let id = record.identifier
        out.append("{\"cf:id\":\"")
        out.appendDecimal(id.id)
        out.append("\",\"prov:type\":")
        appendNodeTypeName(record.typeWord, to: &out)
        out.append(",\"cf:boot_id\":")
        out.appendDecimal(UInt64(id.bootID))
        out.append(",\"cf:machine_id\":\"cf:")
        machineIDText.append(UInt64(id.machineID), to: &out)
        out.append("\",\"cf:version\":")
        out.appendDecimal(UInt64(id.version))
        out.append(",\"cf:date\":")
        date.append(timeNs: record.header.timeNs, to: &out)
        out.append(",\"cf:taint\":\"")
        out.appendHex(record.element.taint)
        out.append("\",\"cf:jiffies\":\"")
        jiffiesText.append(record.element.jiffies, to: &out)
        out.append("\",\"cf:epoch\":")
        out.appendDecimal(UInt64(record.element.epoch))
    }

    /// Quoted node type name, "unknown" if the type word is not in the table.
    func appendNodeTypeName(_ word: UInt64, to out: inout ByteBuffer) {
        out.append(UInt8(ascii: "\""))
        if !typeNames.append(word, relation: false, to: &out) { out.append("unknown") }
        out.append(UInt8(ascii: "\""))
    }

    /// Relation type name, unquoted, "unknown" if not in the table.
    func appendRelationTypeName(_ word: UInt64, to out: inout ByteBuffer) {
        if !typeNames.append(word, relation: true, to: &out) { out.append("unknown") }
    }

    /// `,"cf:name":"..."` if the node's name_id resolves in the name cache.
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

    /// `,"cf:secctx":"..."`: the resolved context, or the secid in hex.
    func appendSecctx(_ secid: UInt32, to out: inout ByteBuffer) {
        out.append(",\"cf:secctx\":")
        if let resolver = securityContexts, let ctx = resolver.securityContext(for: secid), !ctx.isEmpty {
            out.appendJSONString(ctx)
        } else {
            out.append(UInt8(ascii: "\""))
            out.appendHex(UInt64(secid))
            out.append(UInt8(ascii: "\""))
        }
    }

    // MARK: - Relations

    /// Relation element: cf:id, prov:type, cf:boot_id, cf:machine_id, cf:date,
    /// cf:jiffies, cf:epoch, prov:label, cf:allowed, sender and receiver roles,
    /// cf:offset (only if set and > 0), cf:flags, cf:task_id.
    mutating func appendRelation(_ record: Record, _ info: RelationInfo, section: W3CSection,
                                 to out: inout ByteBuffer) {
        let id = record.identifier
        out.append("{\"cf:id\":\"")
        out.appendDecimal(id.id)
        out.append("\",\"prov:type\":\"")
        let typeStart = out.count
        appendRelationTypeName(record.typeWord, to: &out)
        let typeLength = out.count - typeStart
        out.append("\",\"cf:boot_id\":")
        out.appendDecimal(UInt64(id.bootID))
        out.append(",\"cf:machine_id\":\"cf:")
        machineIDText.append(UInt64(id.machineID), to: &out)
        out.append("\",\"cf:date\":")
        date.append(timeNs: record.header.timeNs, to: &out)
        out.append(",\"cf:jiffies\":\"")
        jiffiesText.append(record.element.jiffies, to: &out)
        out.append("\",\"cf:epoch\":")
        out.appendDecimal(UInt64(record.element.epoch))
        out.append(",\"prov:label\":\"")
        out.appendCopy(from: typeStart, count: typeLength)  // the type name again
        out.append(info.allowed ? "\",\"cf:allowed\":\"true\"" : "\",\"cf:allowed\":\"false\"")
        let roles = section.roleKeys
        out.append(roles.sender)
        out.appendReference(info.sender)
        out.append(roles.receiver)
        out.appendReference(info.receiver)
        if info.hasOffset && info.offset > 0 {
            out.append(",\"cf:offset\":\"")
            out.appendDecimal(info.offset)
            out.append(UInt8(ascii: "\""))
        }
        out.append(",\"cf:flags\":\"")
        out.appendHex(info.flags)
        out.append("\",\"cf:task_id\":\"")
        out.appendDecimal(info.taskID)
        out.append("\"}")
    }

    // MARK: - Packets

    /// Packet element (special layout, no node prefix): cf:id (16-bit packet
    /// id), cf:seq, cf:sender, cf:receiver, prov:type, cf:taint, cf:jiffies,
    /// cf:len, then for a labelled packet the sender's ids (cf:sender_boot_id,
    /// cf:sender_machine_id, from `name_id`: an addition to the reference),
    /// prov:label `[packet] <sender>-><receiver> (<id>)`. The network-order
    /// identifier fields are converted to host order.
    mutating func appendPacket(_ record: Record, _ info: PacketInfo, to out: inout ByteBuffer) {
        let p = record.identifier.packet
        out.append("{\"cf:id\":")
        out.appendDecimal(UInt64(p.id))
        out.append(",\"cf:seq\":")
        out.appendDecimal(UInt64(p.sequence))
        out.append(",\"cf:sender\":\"")
        out.appendEndpoint(ip: p.senderIP, port: p.senderPort)
        out.append("\",\"cf:receiver\":\"")
        out.appendEndpoint(ip: p.receiverIP, port: p.receiverPort)
        out.append("\",\"prov:type\":\"packet\",\"cf:taint\":\"")
        out.appendHex(record.element.taint)
        out.append("\",\"cf:jiffies\":\"")
        out.appendDecimal(record.element.jiffies)
        out.append("\",\"cf:len\":")
        out.appendDecimal(UInt64(info.length))
        out.appendPacketSender(record.node.nameID, bootKey: ",\"cf:sender_boot_id\":",
                               machineKey: ",\"cf:sender_machine_id\":")
        out.append(",\"prov:label\":\"[packet] ")
        out.appendEndpoint(ip: p.senderIP, port: p.senderPort)
        out.append("->")
        out.appendEndpoint(ip: p.receiverIP, port: p.receiverPort)
        out.append(" (")
        out.appendDecimal(UInt64(p.id))
        out.append(")\"}")
    }
}
