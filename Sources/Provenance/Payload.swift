/// The kind-specific part of a record: one case per `enum prov_record_kind`.
public enum Payload: Sendable, Equatable {
    case relation(RelationInfo)
    case task(TaskInfo)
    case proc(ProcInfo)
    case inode(InodeInfo)
    case msg(MsgInfo)
    case shm(ShmInfo)
    case sb(SuperblockInfo)
    case packet(PacketInfo)
    case iattr(IattrInfo)
    /// Log text (`ENT_STR`).
    case string(TextPayload)
    /// Path name (`ENT_PATH`).
    case path(TextPayload)
    /// A raw `struct sockaddr` (`ENT_ADDR`).
    case address(TextPayload)
    case xattr(XattrInfo)
    /// Packet content bytes (`ENT_PCKCNT`).
    case packetContent(TextPayload)
    /// One argv or envp entry (`ENT_ARG`/`ENT_ENV`, told apart by the type word).
    case arg(TextPayload)
    case disc(DiscInfo)
    case machine(MachineInfo)

    /// The record kind this payload belongs to.
    public var kind: RecordKind {
        switch self {
        case .relation: return .relation
        case .task: return .task
        case .proc: return .proc
        case .inode: return .inode
        case .msg: return .msg
        case .shm: return .shm
        case .sb: return .sb
        case .packet: return .packet
        case .iattr: return .iattr
        case .string: return .string
        case .path: return .path
        case .address: return .address
        case .xattr: return .xattr
        case .packetContent: return .packetContent
        case .arg: return .arg
        case .disc: return .disc
        case .machine: return .machine
        }
    }
}

/// A relation from `sender` to `receiver` (information flows sender → receiver).
public struct RelationInfo: Sendable, Equatable {
    public var sender: Identifier
    public var receiver: Identifier
    /// File position; meaningful only when `hasOffset`.
    public var offset: Int64
    /// Hook argument (access mask, clone flags...).
    public var flags: UInt64
    /// Node id of the task that caused the relation.
    public var taskID: UInt64
    /// Whether the flow was allowed.
    public var allowed: Bool
    public var hasOffset: Bool

    /// Creates a value from its fields.
    public init(sender: Identifier, receiver: Identifier, offset: Int64 = 0, flags: UInt64 = 0,
                taskID: UInt64 = 0, allowed: Bool = true, hasOffset: Bool = false) {
        self.sender = sender
        self.receiver = receiver
        self.offset = offset
        self.flags = flags
        self.taskID = taskID
        self.allowed = allowed
        self.hasOffset = hasOffset
    }
}

/// A thread (`ACT_TASK`). Times in microseconds, memory in KiB, I/O in bytes.
public struct TaskInfo: Sendable, Equatable {
    public var pid: UInt32 = 0
    public var vpid: UInt32 = 0
    public var utime: UInt64 = 0
    public var stime: UInt64 = 0
    public var vm: UInt64 = 0
    public var rss: UInt64 = 0
    public var hwVM: UInt64 = 0
    public var hwRSS: UInt64 = 0
    public var rbytes: UInt64 = 0
    public var wbytes: UInt64 = 0
    public var cancelWbytes: UInt64 = 0
    public var utsns: UInt32 = 0
    public var ipcns: UInt32 = 0
    public var mntns: UInt32 = 0
    public var pidns: UInt32 = 0
    public var netns: UInt32 = 0
    public var cgroupns: UInt32 = 0
    /// Creates a value from its fields.
    public init() {}
}

/// Process memory and credentials (`ENT_PROC`).
public struct ProcInfo: Sendable, Equatable {
    public var tgid: UInt32
    /// Creates a value from its fields.
    public init(tgid: UInt32) { self.tgid = tgid }
}

/// An inode of any kind (`ENT_INODE_*`).
public struct InodeInfo: Sendable, Equatable {
    public var ino: UInt64
    public var mode: UInt16
    /// UUID of the file system's superblock (16 raw bytes).
    public var superblockUUID: UUIDBytes
    /// Creates a value from its fields.
    public init(ino: UInt64, mode: UInt16, superblockUUID: UUIDBytes = .zero) {
        self.ino = ino
        self.mode = mode
        self.superblockUUID = superblockUUID
    }
}

/// A SysV message (`ENT_MSG`).
public struct MsgInfo: Sendable, Equatable {
    public var type: Int64
    /// Creates a value from its fields.
    public init(type: Int64) { self.type = type }
}

/// A SysV shared memory segment (`ENT_SHM`).
public struct ShmInfo: Sendable, Equatable {
    public var mode: UInt16
    /// Creates a value from its fields.
    public init(mode: UInt16) { self.mode = mode }
}

/// A superblock (`ENT_SBLCK`).
public struct SuperblockInfo: Sendable, Equatable {
    public var uuid: UUIDBytes
    /// Creates a value from its fields.
    public init(uuid: UUIDBytes) { self.uuid = uuid }
}

/// An IPv4 packet (`ENT_PACKET`); its identity is the packet view of the identifier.
public struct PacketInfo: Sendable, Equatable {
    /// IP total length.
    public var length: UInt32
    /// Creates a value from its fields.
    public init(length: UInt32) { self.length = length }
}

/// An attribute change (`ENT_IATTR`).
public struct IattrInfo: Sendable, Equatable {
    /// `ATTR_*` mask.
    public var valid: UInt32 = 0
    public var mode: UInt16 = 0
    public var size: Int64 = 0
    public var atime: Int64 = 0
    public var ctime: Int64 = 0
    public var mtime: Int64 = 0
    /// Creates a value from its fields.
    public init() {}
}

/// A string or blob carried by a long node.
public struct TextPayload: Sendable, Equatable {
    /// The bytes carried by the record (not NUL-terminated; may be any bytes).
    public var bytes: [UInt8]
    /// Length of the value before the kernel cut it; `> bytes.count` means truncated.
    public var originalLength: UInt32

    /// Creates a value from its fields.
    public init(bytes: [UInt8], originalLength: UInt32? = nil) {
        self.bytes = bytes
        self.originalLength = originalLength ?? UInt32(truncatingIfNeeded: bytes.count)
    }

    /// Whether the kernel cut the value.
    public var truncated: Bool { Int(originalLength) > bytes.count }
}

/// An extended attribute (`ENT_XATTR`).
public struct XattrInfo: Sendable, Equatable {
    public var name: [UInt8]
    public var value: [UInt8]
    /// Size of the value before the kernel cut it.
    public var originalValueLength: UInt32
    /// Creates a value from its fields.
    public init(name: [UInt8], value: [UInt8], originalValueLength: UInt32? = nil) {
        self.name = name
        self.value = value
        self.originalValueLength = originalValueLength ?? UInt32(truncatingIfNeeded: value.count)
    }
}

/// A node disclosed by userspace (`ACT_DISC`, `AGT_DISC`, `ENT_DISC`).
public struct DiscInfo: Sendable, Equatable {
    /// The task that disclosed it.
    public var parent: Identifier
    public var content: [UInt8]
    /// Creates a value from its fields.
    public init(parent: Identifier, content: [UInt8]) {
        self.parent = parent
        self.content = content
    }
}

/// The running kernel (`AGT_MACHINE`). Strings without their NUL terminators.
public struct MachineInfo: Sendable, Equatable {
    public var camMajor: UInt8 = 0
    public var camMinor: UInt8 = 0
    public var camPatch: UInt8 = 0
    public var sysname: [UInt8] = []
    public var nodename: [UInt8] = []
    public var release: [UInt8] = []
    public var version: [UInt8] = []
    public var machine: [UInt8] = []
    public var domainname: [UInt8] = []
    public var commit: [UInt8] = []
    /// Creates a value from its fields.
    public init() {}
}

/// 16 raw UUID bytes.
public struct UUIDBytes: Sendable, Equatable, Hashable {
    /// The first and last 8 bytes, as loaded from memory (host order).
    public var high: UInt64
    public var low: UInt64
    public static let zero = UUIDBytes(high: 0, low: 0)

    @usableFromInline init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// Builds from exactly 16 bytes (other counts give `.zero`).
    public init(bytes: some Collection<UInt8>) {
        var value = UUIDBytes.zero
        if bytes.count == 16 {
            withUnsafeMutableBytes(of: &value) { dst in
                for (i, b) in bytes.enumerated() { dst[i] = b }
            }
        }
        self = value
    }

    /// Builds from the first 16 bytes of `raw` (fewer bytes give `.zero`).
    @inlinable public init(raw: UnsafeRawBufferPointer) {
        guard raw.count >= 16 else {
            self = .zero
            return
        }
        self.init(high: raw.loadUnaligned(as: UInt64.self),
                  low: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
    }

    /// The 16 bytes in order.
    public var bytes: [UInt8] { withUnsafeBytes(of: self) { Array($0) } }
}
