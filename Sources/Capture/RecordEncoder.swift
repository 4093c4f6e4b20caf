import CProvenanceABI
import Provenance

/// Builds the binary form of a record, as the kernel writes it, through the
/// ABI's C structures: the inverse of `RecordDecoder`. Used to make test
/// streams, fixtures and benchmarks.
public enum RecordEncoder {
    /// The record's bytes: header (size, kind, ABI version, flags, time),
    /// fixed structure, payload, NUL and zero padding to a multiple of 8,
    /// then the `versionLink` if there is one (`PROV_RECORD_VERSIONED` set,
    /// 24 more bytes; otherwise that flag is cleared). `record.header.size`
    /// is ignored; the real size is written. Nothing is validated: a link
    /// on a relation encodes too (tests of the decoder's refusals use it).
    public static func encode(_ record: Record) -> [UInt8] {
        switch record.payload {
        case let .relation(i):
            var r = prov_relation_record()
            r.elt = element(record.element)
            r.snd = i.sender.c
            r.rcv = i.receiver.c
            r.offset = i.offset
            r.flags = i.flags
            r.task_id = i.taskID
            r.allowed = i.allowed ? 1 : 0
            r.has_offset = i.hasOffset ? 1 : 0
            return finish(&r, \.hdr, record, [])
        case let .task(t):
            var r = prov_task_record()
            r.elt = element(record.element); r.node = node(record.node)
            r.pid = t.pid; r.vpid = t.vpid; r.utime = t.utime; r.stime = t.stime
            r.vm = t.vm; r.rss = t.rss; r.hw_vm = t.hwVM; r.hw_rss = t.hwRSS
            r.rbytes = t.rbytes; r.wbytes = t.wbytes; r.cancel_wbytes = t.cancelWbytes
            r.utsns = t.utsns; r.ipcns = t.ipcns; r.mntns = t.mntns
            r.pidns = t.pidns; r.netns = t.netns; r.cgroupns = t.cgroupns
            return finish(&r, \.hdr, record, [])
        case let .proc(p):
            var r = prov_proc_record()
            r.elt = element(record.element); r.node = node(record.node)
            r.tgid = p.tgid
            return finish(&r, \.hdr, record, [])
        case let .inode(i):
            var r = prov_inode_record()
            r.elt = element(record.element); r.node = node(record.node)
            r.ino = i.ino; r.mode = i.mode
            withUnsafeMutableBytes(of: &r.sb_uuid) { $0.copyBytes(from: i.superblockUUID.bytes) }
            return finish(&r, \.hdr, record, [])
        case let .msg(m):
            var r = prov_msg_record()
            r.elt = element(record.element); r.node = node(record.node)
            r.type = m.type
            return finish(&r, \.hdr, record, [])
        case let .shm(s):
            var r = prov_shm_record()
            r.elt = element(record.element); r.node = node(record.node)
            r.mode = s.mode
            return finish(&r, \.hdr, record, [])
        case let .sb(s):
            var r = prov_sb_record()
            r.elt = element(record.element); r.node = node(record.node)
            withUnsafeMutableBytes(of: &r.uuid) { $0.copyBytes(from: s.uuid.bytes) }
            return finish(&r, \.hdr, record, [])
        case let .packet(p):
            var r = prov_packet_record()
            r.elt = element(record.element); r.node = node(record.node)
            r.len = p.length
            return finish(&r, \.hdr, record, [])
        case let .iattr(a):
            var r = prov_iattr_record()
            r.elt = element(record.element); r.node = node(record.node)
            r.valid = a.valid; r.mode = a.mode; r.size = a.size
            r.atime = a.atime; r.ctime = a.ctime; r.mtime = a.mtime
            return finish(&r, \.hdr, record, [])
        case let .string(t), let .path(t), let .address(t), let .packetContent(t), let .arg(t):
            var r = prov_payload_record()
            r.elt = element(record.element); r.node = node(record.node)
            r.length = UInt32(truncatingIfNeeded: t.bytes.count)
            r.original_length = t.originalLength
            return finish(&r, \.hdr, record, t.bytes)
        case let .xattr(x):
            var r = prov_xattr_record()
            r.elt = element(record.element); r.node = node(record.node)
            r.name_length = UInt32(truncatingIfNeeded: x.name.count)
            r.value_length = UInt32(truncatingIfNeeded: x.value.count)
            r.original_value_length = x.originalValueLength
            return finish(&r, \.hdr, record, x.name + [0] + x.value)
        case let .disc(d):
            var r = prov_disc_record()
            r.elt = element(record.element); r.node = node(record.node)
            r.parent = d.parent.c
            r.length = UInt32(truncatingIfNeeded: d.content.count)
            return finish(&r, \.hdr, record, d.content)
        case let .machine(m):
            var r = prov_machine_record()
            r.elt = element(record.element); r.node = node(record.node)
            r.cam_major = m.camMajor; r.cam_minor = m.camMinor; r.cam_patch = m.camPatch
            fill(&r.sysname, m.sysname); fill(&r.nodename, m.nodename)
            fill(&r.release, m.release); fill(&r.version, m.version)
            fill(&r.machine, m.machine); fill(&r.domainname, m.domainname)
            fill(&r.commit, m.commit)
            return finish(&r, \.hdr, record, [])
        }
    }

    static func element(_ e: Element) -> prov_element {
        var c = prov_element()
        c.identifier = e.identifier.c
        c.epoch = e.epoch
        c.flags = e.flags
        c.jiffies = e.jiffies
        c.taint = e.taint
        return c
    }

    static func node(_ n: NodeCommon) -> prov_node_common {
        var c = prov_node_common()
        c.name_id = n.nameID.c
        c.secid = n.secid
        c.uid = n.uid
        c.gid = n.gid
        return c
    }

    /// Copies `value` into a fixed char array, always leaving a NUL.
    static func fill<T>(_ array: inout T, _ value: [UInt8]) {
        withUnsafeMutableBytes(of: &array) { raw in
            let n = min(value.count, raw.count - 1)
            for i in 0..<raw.count { raw[i] = i < n ? value[i] : 0 }
        }
    }

    /// Sets the header and returns struct bytes + payload + NUL + padding
    /// + version link.
    static func finish<T>(_ r: inout T, _ hdr: WritableKeyPath<T, prov_record_header>,
                          _ record: Record, _ payload: [UInt8]) -> [UInt8] {
        let fixed = MemoryLayout<T>.size
        var body = fixed + payload.count + (payload.isEmpty ? 0 : 1)
        let align = Int(PROV_RECORD_ALIGN)
        body = (body + align - 1) / align * align
        let versioned = UInt8(PROV_RECORD_VERSIONED)
        let linkSize = record.versionLink == nil ? 0 : MemoryLayout<prov_version_link>.size
        var h = prov_record_header()
        h.size = UInt32(truncatingIfNeeded: body + linkSize)
        h.kind = record.kind.abiValue
        h.abi_version = UInt8(PROV_ABI_VERSION)
        h.flags = record.header.flags & ~versioned | (record.versionLink == nil ? 0 : versioned)
        h.time_ns = record.header.timeNs
        r[keyPath: hdr] = h
        var bytes = withUnsafeBytes(of: &r) { Array($0) }
        bytes.append(contentsOf: payload)
        bytes.append(contentsOf: repeatElement(0, count: body - bytes.count))
        if let link = record.versionLink {
            withUnsafeBytes(of: link.c) { bytes.append(contentsOf: $0) }
        }
        return bytes
    }
}
