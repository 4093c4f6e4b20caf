import CProvenanceABI
import Provenance

/// Why a record could not be decoded.
public enum DecodeError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Fewer bytes than a record header.
    case truncatedHeader(available: Int)
    /// `hdr.size` is smaller than the header.
    case sizeTooSmall(UInt32)
    /// `hdr.size` is not a multiple of `PROV_RECORD_ALIGN`.
    case sizeMisaligned(UInt32)
    /// `hdr.size` is larger than `PROV_RECORD_MAX`.
    case sizeTooLarge(UInt32)
    /// `hdr.size` goes past the end of the bytes available.
    case sizeBeyondBuffer(size: UInt32, available: Int)
    /// `hdr.kind` is not an `enum prov_record_kind` value.
    case unknownKind(UInt16)
    /// `hdr.abi_version` is not one of `RecordDecoder.supportedABIVersions`.
    case wrongABIVersion(UInt8)
    /// The record is shorter than the fixed structure of its kind (plus the
    /// version link, for a record flagged `PROV_RECORD_VERSIONED`).
    case tooShortForKind(kind: RecordKind, size: UInt32, needed: Int)
    /// A payload length field points past the end of the record.
    case payloadBeyondRecord(kind: RecordKind, length: Int, room: Int)
    /// A record flagged `PROV_RECORD_VERSIONED` whose version link cannot
    /// stand for a version relation.
    case badVersionLink(kind: RecordKind, problem: VersionLinkProblem)

    /// Whether `hdr.size` itself cannot be trusted, so that the reader cannot
    /// step over the record to the next one.
    public var breaksFraming: Bool {
        switch self {
        case .truncatedHeader, .sizeTooSmall, .sizeMisaligned, .sizeTooLarge, .sizeBeyondBuffer:
            return true
        case .unknownKind, .wrongABIVersion, .tooShortForKind, .payloadBeyondRecord, .badVersionLink:
            return false
        }
    }

    public var description: String {
        switch self {
        case let .truncatedHeader(n): return "truncated record header (\(n) bytes)"
        case let .sizeTooSmall(s): return "record size \(s) smaller than the header"
        case let .sizeMisaligned(s): return "record size \(s) not a multiple of \(PROV_RECORD_ALIGN)"
        case let .sizeTooLarge(s): return "record size \(s) above the maximum \(PROV_RECORD_MAX)"
        case let .sizeBeyondBuffer(s, n): return "record size \(s) beyond the \(n) bytes available"
        case let .unknownKind(k): return "unknown record kind \(k)"
        case let .wrongABIVersion(v): return "ABI version \(v), expected \(RecordDecoder.supportedABIText)"
        case let .tooShortForKind(k, s, n): return "\(k) record of \(s) bytes, needs \(n)"
        case let .payloadBeyondRecord(k, l, r):
            return "\(k) payload of \(l) bytes exceeds the \(r) bytes left in the record"
        case let .badVersionLink(k, problem): return problem.description(kind: k)
        }
    }
}

/// Decodes the binary records of the relay channels into `Record` values.
///
/// Every field is read through the imported C structures of the ABI header;
/// payload offsets come from `MemoryLayout` of those structures. Bad input is
/// rejected with a `DecodeError`; nothing here traps on any byte sequence.
///
/// Records of every ABI version in `supportedABIVersions` are decoded: ABI 2
/// only added the version link of node records flagged
/// `PROV_RECORD_VERSIONED` (see `decodeLinked`); in an ABI 1 record that
/// flag bit means nothing and is left alone, as before.
public enum RecordDecoder {
    /// Size of `struct prov_record_header`.
    public static let headerSize = MemoryLayout<prov_record_header>.size

    /// The record ABI versions this decoder reads: 1 up to `PROV_ABI_VERSION`.
    public static let supportedABIVersions: ClosedRange<UInt8> = 1...UInt8(PROV_ABI_VERSION)

    /// `supportedABIVersions` for messages: "1 to 2" (or "2" for one version).
    public static var supportedABIText: String {
        let versions = supportedABIVersions
        if versions.count == 1 { return "\(versions.lowerBound)" }
        return "\(versions.lowerBound) to \(versions.upperBound)"
    }

    /// Validates the header at the start of `bytes` and returns the record size.
    ///
    /// Checks only what framing needs (size sane and within `bytes`); the
    /// kind and ABI version are checked by `decode`.
    public static func frame(_ bytes: UnsafeRawBufferPointer) throws(DecodeError) -> Int {
        guard bytes.count >= headerSize else { throw .truncatedHeader(available: bytes.count) }
        let hdr = bytes.loadUnaligned(as: prov_record_header.self)
        return try checkSize(hdr.size, available: bytes.count)
    }

    static func checkSize(_ size: UInt32, available: Int) throws(DecodeError) -> Int {
        if Int(size) < headerSize { throw .sizeTooSmall(size) }
        if size % UInt32(PROV_RECORD_ALIGN) != 0 { throw .sizeMisaligned(size) }
        if size > UInt32(PROV_RECORD_MAX) { throw .sizeTooLarge(size) }
        if Int(size) > available { throw .sizeBeyondBuffer(size: size, available: available) }
        return Int(size)
    }

    /// Decodes the record at the start of `bytes` (which may hold more records after it).
    public static func decode(_ bytes: UnsafeRawBufferPointer) throws(DecodeError) -> Record {
        var scratch = DecodeScratch()
        return try decode(bytes, scratch: &scratch)
    }

    /// Decodes the record at the start of `bytes`, putting text payloads
    /// into the arrays of `scratch` (no allocation once they are large
    /// enough, as long as the previous record was not kept).
    public static func decode(_ bytes: UnsafeRawBufferPointer,
                              scratch: inout DecodeScratch) throws(DecodeError) -> Record {
        guard bytes.count >= headerSize else { throw .truncatedHeader(available: bytes.count) }
        let hdr = bytes.loadUnaligned(as: prov_record_header.self)
        let size = try checkSize(hdr.size, available: bytes.count)
        guard let kind = RecordKind(abiValue: hdr.kind) else { throw .unknownKind(hdr.kind) }
        guard supportedABIVersions.contains(hdr.abi_version) else { throw .wrongABIVersion(hdr.abi_version) }
        let rec = UnsafeRawBufferPointer(rebasing: bytes[0..<size])
        let header = RecordHeader(size: hdr.size, flags: hdr.flags, timeNs: hdr.time_ns)
        if hdr.flags & versionedFlag != 0 && hdr.abi_version >= firstLinkedABIVersion {
            return try decodeLinked(rec, header, kind, scratch: &scratch)
        }
        return try decodeBody(rec, header, kind, scratch: &scratch)
    }

    /// Decodes `rec` (the record, or a versioned record without its link)
    /// by its kind.
    static func decodeBody(_ rec: UnsafeRawBufferPointer, _ header: RecordHeader, _ kind: RecordKind,
                           scratch: inout DecodeScratch) throws(DecodeError) -> Record {
        switch kind {
        case .relation: return try relation(rec, header)
        case .task: return try task(rec, header)
        case .proc:
            let (r, e, n) = try fixed(rec, prov_proc_record.self, kind) { ($0.elt, $0.node) }
            return Record(header: header, element: e, node: n, payload: .proc(ProcInfo(tgid: r.tgid)))
        case .inode:
            let (r, e, n) = try fixed(rec, prov_inode_record.self, kind) { ($0.elt, $0.node) }
            let uuid = withUnsafeBytes(of: r.sb_uuid) { UUIDBytes(raw: $0) }
            return Record(header: header, element: e, node: n,
                          payload: .inode(InodeInfo(ino: r.ino, mode: r.mode, superblockUUID: uuid)))
        case .msg:
            let (r, e, n) = try fixed(rec, prov_msg_record.self, kind) { ($0.elt, $0.node) }
            return Record(header: header, element: e, node: n, payload: .msg(MsgInfo(type: r.type)))
        case .shm:
            let (r, e, n) = try fixed(rec, prov_shm_record.self, kind) { ($0.elt, $0.node) }
            return Record(header: header, element: e, node: n, payload: .shm(ShmInfo(mode: r.mode)))
        case .sb:
            let (r, e, n) = try fixed(rec, prov_sb_record.self, kind) { ($0.elt, $0.node) }
            let uuid = withUnsafeBytes(of: r.uuid) { UUIDBytes(raw: $0) }
            return Record(header: header, element: e, node: n, payload: .sb(SuperblockInfo(uuid: uuid)))
        case .packet:
            let (r, e, n) = try fixed(rec, prov_packet_record.self, kind) { ($0.elt, $0.node) }
            return Record(header: header, element: e, node: n, payload: .packet(PacketInfo(length: r.len)))
        case .iattr: return try iattr(rec, header)
        case .string, .path, .address, .packetContent, .arg:
            return try payloadRecord(rec, header, kind, into: &scratch.text)
        case .xattr: return try xattr(rec, header, &scratch)
        case .disc: return try disc(rec, header, into: &scratch.text)
        case .machine: return try machine(rec, header)
        }
    }

    // MARK: - Fixed-size kinds

    /// Loads the fixed C structure `T` after checking the record is large enough.
    @inline(__always)
    static func fixed<T>(
        _ rec: UnsafeRawBufferPointer, _ type: T.Type, _ kind: RecordKind,
        _ common: (T) -> (prov_element, prov_node_common)
    ) throws(DecodeError) -> (T, Element, NodeCommon) {
        let needed = MemoryLayout<T>.size
        guard rec.count >= needed else {
            throw .tooShortForKind(kind: kind, size: UInt32(rec.count), needed: needed)
        }
        let r = rec.loadUnaligned(as: T.self)
        let (elt, node) = common(r)
        return (r, element(elt), nodeCommon(node))
    }

    @inline(__always)
    static func element(_ e: prov_element) -> Element {
        Element(identifier: Identifier(e.identifier), epoch: e.epoch, flags: e.flags,
                jiffies: e.jiffies, taint: e.taint)
    }

    @inline(__always)
    static func nodeCommon(_ n: prov_node_common) -> NodeCommon {
        NodeCommon(nameID: Identifier(n.name_id), secid: n.secid, uid: n.uid, gid: n.gid)
    }

    static func relation(_ rec: UnsafeRawBufferPointer, _ header: RecordHeader) throws(DecodeError) -> Record {
        let needed = MemoryLayout<prov_relation_record>.size
        guard rec.count >= needed else {
            throw .tooShortForKind(kind: .relation, size: UInt32(rec.count), needed: needed)
        }
        let r = rec.loadUnaligned(as: prov_relation_record.self)
        let info = RelationInfo(
            sender: Identifier(r.snd), receiver: Identifier(r.rcv), offset: r.offset,
            flags: r.flags, taskID: r.task_id, allowed: r.allowed != 0, hasOffset: r.has_offset != 0)
        return Record(header: header, element: element(r.elt), payload: .relation(info))
    }

    static func task(_ rec: UnsafeRawBufferPointer, _ header: RecordHeader) throws(DecodeError) -> Record {
        let (r, e, n) = try fixed(rec, prov_task_record.self, .task) { ($0.elt, $0.node) }
        var t = TaskInfo()
        t.pid = r.pid; t.vpid = r.vpid
        t.utime = r.utime; t.stime = r.stime
        t.vm = r.vm; t.rss = r.rss; t.hwVM = r.hw_vm; t.hwRSS = r.hw_rss
        t.rbytes = r.rbytes; t.wbytes = r.wbytes; t.cancelWbytes = r.cancel_wbytes
        t.utsns = r.utsns; t.ipcns = r.ipcns; t.mntns = r.mntns
        t.pidns = r.pidns; t.netns = r.netns; t.cgroupns = r.cgroupns
        return Record(header: header, element: e, node: n, payload: .task(t))
    }

    static func iattr(_ rec: UnsafeRawBufferPointer, _ header: RecordHeader) throws(DecodeError) -> Record {
        let (r, e, n) = try fixed(rec, prov_iattr_record.self, .iattr) { ($0.elt, $0.node) }
        var i = IattrInfo()
        i.valid = r.valid; i.mode = r.mode; i.size = r.size
        i.atime = r.atime; i.ctime = r.ctime; i.mtime = r.mtime
        return Record(header: header, element: e, node: n, payload: .iattr(i))
    }
}
