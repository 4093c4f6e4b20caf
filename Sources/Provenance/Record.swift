import CProvenanceABI

/// The layout of a record (`enum prov_record_kind` of the ABI).
public enum RecordKind: Sendable, Equatable, CaseIterable {
    case relation, task, proc, inode, msg, shm, sb, packet, iattr
    case string, path, address, xattr, packetContent, arg, disc, machine

    /// The kind for an ABI `kind` value, or nil if unknown.
    public init?(abiValue: UInt16) {
        // A switch (not a search of allCases): this runs for every record.
        switch UInt32(abiValue) {
        case PROV_KIND_RELATION.rawValue: self = .relation
        case PROV_KIND_TASK.rawValue: self = .task
        case PROV_KIND_PROC.rawValue: self = .proc
        case PROV_KIND_INODE.rawValue: self = .inode
        case PROV_KIND_MSG.rawValue: self = .msg
        case PROV_KIND_SHM.rawValue: self = .shm
        case PROV_KIND_SB.rawValue: self = .sb
        case PROV_KIND_PACKET.rawValue: self = .packet
        case PROV_KIND_IATTR.rawValue: self = .iattr
        case PROV_KIND_STRING.rawValue: self = .string
        case PROV_KIND_PATH.rawValue: self = .path
        case PROV_KIND_ADDRESS.rawValue: self = .address
        case PROV_KIND_XATTR.rawValue: self = .xattr
        case PROV_KIND_PACKET_CONTENT.rawValue: self = .packetContent
        case PROV_KIND_ARG.rawValue: self = .arg
        case PROV_KIND_DISC.rawValue: self = .disc
        case PROV_KIND_MACHINE.rawValue: self = .machine
        default: return nil
        }
    }

    /// The ABI value (`PROV_KIND_*`).
    public var abiValue: UInt16 {
        let c: prov_record_kind
        switch self {
        case .relation: c = PROV_KIND_RELATION
        case .task: c = PROV_KIND_TASK
        case .proc: c = PROV_KIND_PROC
        case .inode: c = PROV_KIND_INODE
        case .msg: c = PROV_KIND_MSG
        case .shm: c = PROV_KIND_SHM
        case .sb: c = PROV_KIND_SB
        case .packet: c = PROV_KIND_PACKET
        case .iattr: c = PROV_KIND_IATTR
        case .string: c = PROV_KIND_STRING
        case .path: c = PROV_KIND_PATH
        case .address: c = PROV_KIND_ADDRESS
        case .xattr: c = PROV_KIND_XATTR
        case .packetContent: c = PROV_KIND_PACKET_CONTENT
        case .arg: c = PROV_KIND_ARG
        case .disc: c = PROV_KIND_DISC
        case .machine: c = PROV_KIND_MACHINE
        }
        return UInt16(c.rawValue)
    }
}

/// The fields of `struct prov_record_header` other than size and kind.
public struct RecordHeader: Sendable, Equatable {
    /// Whole record size in bytes.
    public var size: UInt32
    /// `PROV_RECORD_*` flags (e.g. replayed from the boot buffer).
    public var flags: UInt8
    /// CLOCK_REALTIME when the record was made, in nanoseconds.
    public var timeNs: UInt64

    /// Creates a value from its fields.
    public init(size: UInt32 = 0, flags: UInt8 = 0, timeNs: UInt64 = 0) {
        self.size = size
        self.flags = flags
        self.timeNs = timeNs
    }
}

/// Fields common to every node and relation (`struct prov_element`).
public struct Element: Sendable, Equatable {
    public var identifier: Identifier
    /// Capture epoch the element was written in.
    public var epoch: UInt32
    /// `PROV_FLAG_*` bits.
    public var flags: UInt32
    public var jiffies: UInt64
    /// Taint label bitmap.
    public var taint: UInt64

    /// Creates a value from its fields.
    public init(identifier: Identifier, epoch: UInt32 = 0, flags: UInt32 = 0,
                jiffies: UInt64 = 0, taint: UInt64 = 0) {
        self.identifier = identifier
        self.epoch = epoch
        self.flags = flags
        self.jiffies = jiffies
        self.taint = taint
    }
}

/// Fields common to every node (`struct prov_node_common`).
public struct NodeCommon: Sendable, Equatable {
    /// The path node naming this node, or `.zero`.
    public var nameID: Identifier
    public var secid: UInt32
    public var uid: UInt32
    public var gid: UInt32

    public static let none = NodeCommon(nameID: .zero)

    /// Creates a value from its fields.
    public init(nameID: Identifier, secid: UInt32 = 0, uid: UInt32 = 0, gid: UInt32 = 0) {
        self.nameID = nameID
        self.secid = secid
        self.uid = uid
        self.gid = gid
    }
}

/// One decoded record: header, common element fields, node fields (zero for
/// relations), the kind-specific payload and, for a node record flagged
/// `PROV_RECORD_VERSIONED`, the version link it ends in.
public struct Record: Sendable, Equatable {
    public var header: RecordHeader
    public var element: Element
    /// Node fields; `NodeCommon.none` for relations.
    public var node: NodeCommon
    public var payload: Payload
    /// The version relation this node record also stands for, or nil
    /// (see `impliedVersionRelation`).
    public var versionLink: VersionLink?

    /// Creates a value from its fields.
    public init(header: RecordHeader = RecordHeader(), element: Element,
                node: NodeCommon = .none, payload: Payload, versionLink: VersionLink? = nil) {
        self.header = header
        self.element = element
        self.node = node
        self.payload = payload
        self.versionLink = versionLink
    }

    /// The record's kind, derived from the payload.
    public var kind: RecordKind { payload.kind }
    /// The element identifier.
    public var identifier: Identifier { element.identifier }
    /// The element type word.
    public var typeWord: UInt64 { element.identifier.type }
}
