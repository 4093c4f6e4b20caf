import CProvenanceABI
import Provenance

extension W3CEncoder {
    /// Kind-specific attributes after the node prefix, in the reference order,
    /// ending with `prov:label` where the reference has one.
    mutating func appendNodeAttributes(_ record: Record, to out: inout ByteBuffer) {
        let node = record.node
        switch record.payload {
        case let .task(t):
            appendName(record, to: &out)
            out.append(",\"cf:pid\":"); out.appendDecimal(UInt64(t.pid))
            out.append(",\"cf:vpid\":"); out.appendDecimal(UInt64(t.vpid))
            appendU64(",\"cf:utime\":\"", t.utime, to: &out)
            appendU64(",\"cf:stime\":\"", t.stime, to: &out)
            appendU64(",\"cf:vm\":\"", t.vm, to: &out)
            appendU64(",\"cf:rss\":\"", t.rss, to: &out)
            appendU64(",\"cf:hw_vm\":\"", t.hwVM, to: &out)
            appendU64(",\"cf:hw_rss\":\"", t.hwRSS, to: &out)
            appendU64(",\"cf:rbytes\":\"", t.rbytes, to: &out)
            appendU64(",\"cf:wbytes\":\"", t.wbytes, to: &out)
            appendU64(",\"cf:cancel_wbytes\":\"", t.cancelWbytes, to: &out)
            out.append(",\"cf:utsns\":"); out.appendDecimal(UInt64(t.utsns))
            out.append(",\"cf:ipcns\":"); out.appendDecimal(UInt64(t.ipcns))
            out.append(",\"cf:mntns\":"); out.appendDecimal(UInt64(t.mntns))
            out.append(",\"cf:pidns\":"); out.appendDecimal(UInt64(t.pidns))
            out.append(",\"cf:netns\":"); out.appendDecimal(UInt64(t.netns))
            out.append(",\"cf:cgroupns\":"); out.appendDecimal(UInt64(t.cgroupns))
            out.append(",\"prov:label\":\"[task] ")
            out.appendDecimal(UInt64(record.identifier.version))
            out.append(UInt8(ascii: "\""))

        case let .proc(p):
            appendName(record, to: &out)
            appendUidGid(node, to: &out)
            out.append(",\"cf:tgid\":"); out.appendDecimal(UInt64(p.tgid))
            appendSecctx(node.secid, to: &out)
            out.append(",\"prov:label\":\"[process] ")
            out.appendDecimal(UInt64(record.identifier.version))
            out.append(UInt8(ascii: "\""))

        case let .inode(i):
            appendName(record, to: &out)
            appendUidGid(node, to: &out)
            out.append(",\"cf:mode\":\"0x"); out.appendHex(UInt64(i.mode)); out.append(UInt8(ascii: "\""))
            appendSecctx(node.secid, to: &out)
            // Full 64-bit inode number (the reference truncated it to 32 bits).
            out.append(",\"cf:ino\":"); out.appendDecimal(i.ino)
            out.append(",\"cf:uuid\":\""); out.appendUUID(i.superblockUUID); out.append(UInt8(ascii: "\""))
            out.append(",\"prov:label\":\"[")
            appendNodeTypeBody(record.typeWord, to: &out)
            out.append("] ")
            out.appendDecimal(UInt64(record.identifier.version))
            out.append(UInt8(ascii: "\""))

        case .msg:
            break

        case let .shm(s):
            out.append(",\"cf:mode\":\"0x"); out.appendHex(UInt64(s.mode)); out.append(UInt8(ascii: "\""))

        case let .sb(s):
            // Written as an entity (the reference dropped superblocks: defect O4).
            out.append(",\"cf:uuid\":\""); out.appendUUID(s.uuid); out.append(UInt8(ascii: "\""))

        case let .iattr(a):
            out.append(",\"cf:valid\":\"0x"); out.appendHex(UInt64(a.valid)); out.append(UInt8(ascii: "\""))
            out.append(",\"cf:mode\":\"0x"); out.appendHex(UInt64(a.mode)); out.append(UInt8(ascii: "\""))
            appendUidGid(node, to: &out)
            appendI64(",\"cf:size\":\"", a.size, to: &out)
            appendI64(",\"cf:atime\":\"", a.atime, to: &out)
            appendI64(",\"cf:ctime\":\"", a.ctime, to: &out)
            appendI64(",\"cf:mtime\":\"", a.mtime, to: &out)
            // Full 64-bit node id (the reference cut it to 32 bits).
            out.append(",\"prov:label\":\"[iattr] ")
            out.appendDecimal(record.identifier.id)
            out.append(UInt8(ascii: "\""))

        case let .xattr(x):
            out.append(",\"cf:name\":"); out.appendJSONString(x.name)
            let size = max(x.originalValueLength, UInt32(truncatingIfNeeded: x.value.count))
            if size > 0 { out.append(",\"cf:size\":"); out.appendDecimal(UInt64(size)) }
            out.append(",\"prov:label\":\"[xattr] ")
            out.appendEscaped(x.name)
            out.append(UInt8(ascii: "\""))

        case let .packetContent(c):
            out.append(",\"cf:content\":\"")
            c.bytes.withUnsafeBytes { out.appendBase64($0) }
            out.append("\",\"cf:length\":")
            out.appendDecimal(UInt64(c.bytes.count))
            out.append(c.truncated ? ",\"cf:truncated\":\"true\"" : ",\"cf:truncated\":\"false\"")
            out.append(",\"prov:label\":\"[content] \"")

        case let .string(s):
            out.append(",\"cf:log\":"); out.appendJSONString(s.bytes)
            out.append(",\"prov:label\":\"[log] ")
            out.appendEscaped(s.bytes)
            out.append(UInt8(ascii: "\""))

        case let .address(a):
            appendAddress(a.bytes, to: &out)

        case let .path(p):
            let id = record.identifier  // the closure captures this, not a copy of the record
            let cache = nameCache
            p.bytes.withUnsafeBufferPointer { bytes in
                cache?.insert(id, name: bytes)
                out.append(",\"cf:pathname\":\"")
                // The label repeats the escaped name: escape once, copy it.
                let start = out.count
                out.appendEscaped(bytes)
                let length = out.count - start
                out.append("\",\"prov:label\":\"[path] ")
                out.appendCopy(from: start, count: length)
            }
            out.append(UInt8(ascii: "\""))

        case let .arg(a):
            out.append(",\"cf:value\":"); out.appendJSONString(a.bytes)
            out.append(a.truncated ? ",\"cf:truncated\":\"true\"" : ",\"cf:truncated\":\"false\"")
            out.append(",\"prov:label\":\"[")
            appendNodeTypeBody(record.typeWord, to: &out)
            out.append("] ")
            out.appendEscaped(a.bytes)
            out.append(UInt8(ascii: "\""))

        case let .disc(d):
            // The reference spliced the user-supplied bytes into the document
            // verbatim; they are kept as one escaped string instead.
            out.append(",\"cf:hasParent\":"); out.appendReference(d.parent)
            if !d.content.isEmpty {
                out.append(",\"cf:content\":"); out.appendJSONString(d.content)
            }

        case let .machine(m):
            appendMachine(m, to: &out)

        case .relation, .packet:
            break  // encoded by their own layouts
        }
    }

    /// Node type name without quotes ("unknown" if not in the table).
    func appendNodeTypeBody(_ word: UInt64, to out: inout ByteBuffer) {
        if !typeNames.append(word, relation: false, to: &out) { out.append("unknown") }
    }

    @inline(__always)
    func appendU64(_ key: StaticString, _ v: UInt64, to out: inout ByteBuffer) {
        out.append(key)
        out.appendDecimal(v)
        out.append(UInt8(ascii: "\""))
    }

    @inline(__always)
    func appendI64(_ key: StaticString, _ v: Int64, to out: inout ByteBuffer) {
        out.append(key)
        out.appendDecimal(v)
        out.append(UInt8(ascii: "\""))
    }

    @inline(__always)
    func appendUidGid(_ node: NodeCommon, to out: inout ByteBuffer) {
        out.append(",\"cf:uid\":"); out.appendDecimal(UInt64(node.uid))
        out.append(",\"cf:gid\":"); out.appendDecimal(UInt64(node.gid))
    }

    /// Machine agent: utsname fields, kernel and userspace versions (no label).
    func appendMachine(_ m: MachineInfo, to out: inout ByteBuffer) {
        appendString(",\"cf:u_sysname\":", m.sysname, to: &out)
        appendString(",\"cf:u_nodename\":", m.nodename, to: &out)
        appendString(",\"cf:u_release\":", m.release, to: &out)
        appendString(",\"cf:u_version\":", m.version, to: &out)
        appendString(",\"cf:u_machine\":", m.machine, to: &out)
        appendString(",\"cf:u_domainname\":", m.domainname, to: &out)
        out.append(",\"cf:k_version\":\"")
        out.appendDecimal(UInt64(m.camMajor)); out.append(UInt8(ascii: "."))
        out.appendDecimal(UInt64(m.camMinor)); out.append(UInt8(ascii: "."))
        out.appendDecimal(UInt64(m.camPatch)); out.append(UInt8(ascii: "\""))
        appendString(",\"cf:k_commit\":", m.commit, to: &out)
        out.append(",\"cf:l_version\":\"v")
        out.appendEscaped(userspaceVersion)
        out.append(UInt8(ascii: "\""))
    }

    /// `key` + quoted escaped value, omitted when the value is empty (reference rule).
    @inline(__always)
    func appendString(_ key: StaticString, _ value: [UInt8], to out: inout ByteBuffer) {
        guard !value.isEmpty else { return }
        out.append(key)
        out.appendJSONString(value)
    }
}
