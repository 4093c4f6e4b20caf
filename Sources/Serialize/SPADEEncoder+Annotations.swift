import Glibc
import Provenance

extension SPADEEncoder {
    /// Kind-specific annotations after the vertex prefix, in the reference
    /// order (same value encodings as W3C).
    mutating func appendAnnotations(_ record: Record, to out: inout ByteBuffer) {
        let node = record.node
        switch record.payload {
        case let .task(t):
            out.append(",\"pid\":"); out.appendDecimal(UInt64(t.pid))
            out.append(",\"vpid\":"); out.appendDecimal(UInt64(t.vpid))
            appendQuoted(",\"utime\":\"", t.utime, to: &out)
            appendQuoted(",\"stime\":\"", t.stime, to: &out)
            appendQuoted(",\"vm\":\"", t.vm, to: &out)
            appendQuoted(",\"rss\":\"", t.rss, to: &out)
            appendQuoted(",\"hw_vm\":\"", t.hwVM, to: &out)
            appendQuoted(",\"hw_rss\":\"", t.hwRSS, to: &out)
            appendQuoted(",\"rbytes\":\"", t.rbytes, to: &out)
            appendQuoted(",\"wbytes\":\"", t.wbytes, to: &out)
            appendQuoted(",\"cancel_wbytes\":\"", t.cancelWbytes, to: &out)
            out.append(",\"utsns\":"); out.appendDecimal(UInt64(t.utsns))
            out.append(",\"ipcns\":"); out.appendDecimal(UInt64(t.ipcns))
            out.append(",\"mntns\":"); out.appendDecimal(UInt64(t.mntns))
            out.append(",\"pidns\":"); out.appendDecimal(UInt64(t.pidns))
            out.append(",\"netns\":"); out.appendDecimal(UInt64(t.netns))
            out.append(",\"cgroupns\":"); out.appendDecimal(UInt64(t.cgroupns))
            appendSecctx(node.secid, to: &out)

        case let .proc(p):
            appendUidGid(node, to: &out)
            out.append(",\"tgid\":"); out.appendDecimal(UInt64(p.tgid))
            appendSecctx(node.secid, to: &out)

        case let .inode(i):
            appendUidGid(node, to: &out)
            out.append(",\"mode\":\"0x"); out.appendHex(UInt64(i.mode)); out.append(UInt8(ascii: "\""))
            appendSecctx(node.secid, to: &out)
            // Full 64-bit inode number (the reference truncated it to 32 bits).
            out.append(",\"ino\":"); out.appendDecimal(i.ino)
            out.append(",\"uuid\":\""); out.appendUUID(i.superblockUUID); out.append(UInt8(ascii: "\""))

        case .msg:
            break

        case let .shm(s):
            // Prefixed, as in the reference.
            out.append(",\"cf:mode\":\"0x"); out.appendHex(UInt64(s.mode)); out.append(UInt8(ascii: "\""))

        case let .sb(s):
            // The reference had this serializer but never called it (defect O4).
            out.append(",\"cf:uuid\":\""); out.appendUUID(s.uuid); out.append(UInt8(ascii: "\""))

        case let .iattr(a):
            out.append(",\"valid\":\"0x"); out.appendHex(UInt64(a.valid)); out.append(UInt8(ascii: "\""))
            out.append(",\"mode\":\"0x"); out.appendHex(UInt64(a.mode)); out.append(UInt8(ascii: "\""))
            appendUidGid(node, to: &out)
            appendQuoted(",\"size\":\"", a.size, to: &out)
            appendQuoted(",\"atime\":\"", a.atime, to: &out)
            appendQuoted(",\"ctime\":\"", a.ctime, to: &out)
            appendQuoted(",\"mtime\":\"", a.mtime, to: &out)

        case let .xattr(x):
            out.append(",\"name\":"); out.appendJSONString(x.name)
            let size = max(x.originalValueLength, UInt32(truncatingIfNeeded: x.value.count))
            if size > 0 { out.append(",\"size\":"); out.appendDecimal(UInt64(size)) }

        case let .packetContent(c):
            out.append(",\"content\":\"")
            c.bytes.withUnsafeBytes { out.appendBase64($0) }
            out.append("\",\"length\":")
            out.appendDecimal(UInt64(c.bytes.count))
            out.append(c.truncated ? ",\"truncated\":\"true\"" : ",\"truncated\":\"false\"")

        case let .string(s):
            // Not emitted at all by the reference (defect O4).
            out.append(",\"log\":"); out.appendJSONString(s.bytes)

        case let .address(a):
            appendAddress(a.bytes, to: &out)

        case let .path(p):
            nameCache?.insert(record.identifier, name: p.bytes)
            out.append(",\"pathname\":"); out.appendJSONString(p.bytes)

        case let .arg(a):
            out.append(",\"value\":"); out.appendJSONString(a.bytes)
            out.append(a.truncated ? ",\"truncated\":\"true\"" : ",\"truncated\":\"false\"")

        case let .disc(d):
            // The reference re-emitted a stale line here (defect O3); the
            // disclosing task and the content come from this record, the
            // content as one escaped string.
            out.append(",\"hasParent\":\""); out.appendBase64(d.parent); out.append(UInt8(ascii: "\""))
            if !d.content.isEmpty {
                out.append(",\"content\":"); out.appendJSONString(d.content)
            }

        case let .machine(m):
            appendMachine(m, to: &out)

        case .relation, .packet:
            break  // encoded by their own layouts
        }
    }

    @inline(__always)
    func appendQuoted(_ key: StaticString, _ v: UInt64, to out: inout ByteBuffer) {
        out.append(key)
        out.appendDecimal(v)
        out.append(UInt8(ascii: "\""))
    }

    @inline(__always)
    func appendQuoted(_ key: StaticString, _ v: Int64, to out: inout ByteBuffer) {
        out.append(key)
        out.appendDecimal(v)
        out.append(UInt8(ascii: "\""))
    }

    @inline(__always)
    func appendUidGid(_ node: NodeCommon, to out: inout ByteBuffer) {
        out.append(",\"uid\":"); out.appendDecimal(UInt64(node.uid))
        out.append(",\"gid\":"); out.appendDecimal(UInt64(node.gid))
    }

    /// Address annotations: `type` ("AF_INET", "AF_INET6", "AF_UNIX", or the
    /// family number unquoted), then `host` and `service`, or `path`.
    func appendAddress(_ bytes: [UInt8], to out: inout ByteBuffer) {
        switch SocketAddress(bytes) {
        case .empty:
            break
        case let .inet(host, port):
            appendInet("AF_INET", host, port, to: &out)
        case let .inet6(host, port):
            appendInet("AF_INET6", host, port, to: &out)
        case let .unix(path):
            out.append(",\"type\":\"AF_UNIX\",\"path\":")
            out.appendJSONString(path)
        case let .incomplete(family):
            out.append(family == AF_INET ? ",\"type\":\"AF_INET\"" : ",\"type\":\"AF_INET6\"")
        case let .other(family):
            out.append(",\"type\":")
            out.appendDecimal(UInt64(family))
        }
    }

    private func appendInet(_ family: StaticString, _ host: [UInt8], _ port: UInt16,
                            to out: inout ByteBuffer) {
        out.append(",\"type\":\"")
        out.append(family)
        out.append("\",\"host\":")
        out.appendJSONString(host)
        out.append(",\"service\":\"")
        out.appendDecimal(UInt64(port))
        out.append(UInt8(ascii: "\""))
    }

    /// Machine vertex: utsname fields, kernel and userspace versions.
    func appendMachine(_ m: MachineInfo, to out: inout ByteBuffer) {
        appendString(",\"u_sysname\":", m.sysname, to: &out)
        appendString(",\"u_nodename\":", m.nodename, to: &out)
        appendString(",\"u_release\":", m.release, to: &out)
        appendString(",\"u_version\":", m.version, to: &out)
        appendString(",\"u_machine\":", m.machine, to: &out)
        appendString(",\"u_domainname\":", m.domainname, to: &out)
        out.append(",\"k_version\":\"")
        out.appendDecimal(UInt64(m.camMajor)); out.append(UInt8(ascii: "."))
        out.appendDecimal(UInt64(m.camMinor)); out.append(UInt8(ascii: "."))
        out.appendDecimal(UInt64(m.camPatch)); out.append(UInt8(ascii: "\""))
        appendString(",\"k_commit\":", m.commit, to: &out)
        out.append(",\"l_version\":\"v")
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
