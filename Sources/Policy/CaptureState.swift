import CProvenanceABI
import Provenance

/// One entry of a target list read back from the kernel.
public struct TargetEntry<Key: Equatable & Sendable>: Equatable, Sendable {
    /// The uid, gid, cgroup namespace inode, security context or IPv4 range.
    public var key: Key
    /// The `PROV_SET_*` bits of the entry.
    public var op: UInt8

    /// Creates a value from its fields.
    public init(_ key: Key, op: UInt8) {
        self.key = key
        self.op = op
    }

    /// `propagate`, `track` or `opaque` (the strongest bit), or "" for none.
    public var word: String {
        if op & UInt8(PROV_SET_PROPAGATE) != 0 { return "propagate" }
        if op & UInt8(PROV_SET_TRACKED) != 0 { return "track" }
        if op & UInt8(PROV_SET_OPAQUE) != 0 { return "opaque" }
        return ""
    }

    /// Whether packets are recorded (IPv4 lists).
    public var records: Bool { op & UInt8(PROV_SET_RECORD) != 0 }
}

/// Everything `camflow ctl -s` shows, read from the securityfs directory:
/// identifiers, switches, the ten filters and the target lists.
///
/// Render it with `text` (the `-s` format), `json` (one JSON object) or
/// `ini` (the `-c` format, re-importable by `camflow configure`).
public struct CaptureState: Equatable, Sendable {
    /// The machine id of this boot.
    public var machineID: UInt32
    /// The boot id of this boot.
    public var bootID: UInt32
    /// The 32 bytes of `policy_hash`.
    public var policyHash: [UInt8]
    /// `enable`: capture on.
    public var enabled: Bool
    /// `all`: whole-system capture.
    public var all: Bool
    /// Whether anything was sent to the relay yet (`written`).
    public var written: Bool
    /// `should_version`: versioning.
    public var shouldVersion: Bool
    /// `compress_node`.
    public var compressNode: Bool
    /// `compress_edge`.
    public var compressEdge: Bool
    /// `duplicate`.
    public var duplicate: Bool
    /// `label`: in-band packet labels; nil when the kernel has no packet
    /// labelling (no `label` file).
    public var label: Bool? = nil
    /// The bitmap of each filter, in `FilterTarget.all` order.
    public var filters: [FilterTarget: UInt64]
    /// `ipv4_ingress` entries.
    public var ipv4Ingress: [TargetEntry<IPv4Filter>]
    /// `ipv4_egress` entries.
    public var ipv4Egress: [TargetEntry<IPv4Filter>]
    /// `secctx_filter` entries.
    public var secctx: [TargetEntry<String>]
    /// Cgroup namespace inode numbers (`ns`).
    public var cgroups: [TargetEntry<UInt32>]
    /// `uid` entries.
    public var users: [TargetEntry<UInt32>]
    /// `gid` entries.
    public var groups: [TargetEntry<UInt32>]
    /// Records lost by the kernel.
    public var dropped: UInt64
    /// Live tracked objects (processes, files... with the tracked flag),
    /// from `gate`; nil on a kernel without that file.  While it is 0 and
    /// neither `all` nor a target list is on, the hooks record nothing.
    public var trackedObjects: UInt64? = nil
    /// The LSM version string.
    public var version: String

    /// Reads the whole state.
    /// - Throws: `SystemError` naming the first file that cannot be read.
    public static func read(from fs: SecurityFS) throws -> CaptureState {
        var filters: [FilterTarget: UInt64] = [:]
        for target in FilterTarget.all { filters[target] = try fs.filterBits(target) }
        func ipv4(_ direction: IPv4Direction) throws -> [TargetEntry<IPv4Filter>] {
            try fs.listEntries(direction.fileName, as: prov_ipv4_filter.self).map { e in
                let mask = UInt32(bigEndian: e.mask)
                let filter = IPv4Filter(address: UInt32(bigEndian: e.ip),
                                        prefixLength: UInt8(mask.nonzeroBitCount),
                                        port: UInt16(bigEndian: e.port))
                return TargetEntry(filter, op: e.op)
            }
        }
        return CaptureState(
            machineID: try fs.machineID(),
            bootID: try fs.bootID(),
            policyHash: try fs.policyHash(),
            enabled: try fs.get(.enable),
            all: try fs.get(.all),
            written: try fs.isWritten(),
            shouldVersion: try fs.get(.shouldVersion),
            compressNode: try fs.get(.compressNode),
            compressEdge: try fs.get(.compressEdge),
            duplicate: try fs.get(.duplicate),
            label: fs.has(.label) ? try fs.get(.label) : nil,
            filters: filters,
            ipv4Ingress: try ipv4(.ingress),
            ipv4Egress: try ipv4(.egress),
            secctx: try fs.listEntries("secctx_filter", as: prov_secinfo.self).map { e in
                var c = e
                let length = min(Int(c.len), Int(PROV_SECCTX_MAX))
                let text = withUnsafeBytes(of: &c.secctx) { raw -> String in
                    let bytes = raw.prefix(length).prefix { $0 != 0 }
                    return String(decoding: bytes, as: UTF8.self)
                }
                return TargetEntry(text, op: e.op)
            },
            cgroups: try fs.listEntries("ns", as: prov_nsinfo.self).map { TargetEntry($0.cgroupns, op: $0.op) },
            users: try fs.listEntries("uid", as: prov_userinfo.self).map { TargetEntry($0.uid, op: $0.op) },
            groups: try fs.listEntries("gid", as: prov_groupinfo.self).map { TargetEntry($0.gid, op: $0.op) },
            dropped: try fs.dropped(),
            trackedObjects: try fs.trackedObjects(),
            version: try fs.version())
    }

    /// The bitmap of `target` (0 when absent).
    public func bits(_ target: FilterTarget) -> UInt64 { filters[target] ?? 0 }

    /// The type names of the bits set in a filter, lowest bit first; bits
    /// without a name are given as `0x…` words.
    public func typeNames(_ target: FilterTarget) -> [String] {
        let bitmap = bits(target) & SUBTYPE_MASK
        var names: [String] = []
        for bit in 0..<48 where bitmap & (1 << UInt64(bit)) != 0 {
            names.append(Self.typeName(target, bit: bit) ?? "0x" + String(UInt64(1) << UInt64(bit), radix: 16))
        }
        return names
    }

    /// The name of the type with subtype bit `bit` in the filter's family.
    static func typeName(_ target: FilterTarget, bit: Int) -> String? {
        let subtype = UInt64(1) << UInt64(bit)
        if target.family == nil {
            return NodeType.all.first { $0.rawValue & SUBTYPE_MASK == subtype }?.name
        }
        return RelationType(rawValue: target.familyWord | subtype).name
    }

    /// The policy hash as `-p` prints it: each byte in uppercase hex without
    /// zero padding (the reference's format, kept for scripts comparing it).
    public var policyHashText: String { Self.policyHashText(policyHash) }

    /// `bytes` in the `-p` format (uppercase hex per byte, no zero padding).
    public static func policyHashText(_ bytes: [UInt8]) -> String {
        bytes.map { String($0, radix: 16, uppercase: true) }.joined()
    }

    /// The policy hash as 64 lowercase hex digits.
    public var policyHashHex: String {
        policyHash.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }
}

extension SecurityFS {
    /// Whether anything was sent to the relay yet (`written`).
    public func isWritten() throws -> Bool {
        let file = path("written")
        let bytes = try SystemFile.read(file, limit: 16)
        switch bytes.first {
        case UInt8(ascii: "1"): return true
        case UInt8(ascii: "0"): return false
        default: throw SystemError(path: file, operation: "read", code: 0, detail: "not a boolean")
        }
    }
}
