import CProvenanceABI
import Glibc
import Provenance

/// The capture state of one file or process (`struct prov_object_state`).
public struct ObjectState: Equatable, Sendable {
    /// The node's identifier (type, id, boot id, machine id, version).
    public var identifier: Identifier
    /// `PROV_FLAG_*` public bits.
    public var flags: UInt32
    /// Taint bits.
    public var taint: UInt64

    /// Creates a value from its fields.
    public init(identifier: Identifier, flags: UInt32, taint: UInt64) {
        self.identifier = identifier
        self.flags = flags
        self.taint = taint
    }

    init(_ c: prov_object_state) {
        self.init(identifier: Identifier(c.identifier), flags: c.flags, taint: c.taint)
    }

    /// Whether the object is recorded when `all` is off.
    public var isTracked: Bool { flags & UInt32(PROV_FLAG_TRACKED) != 0 }
    /// Whether the object is never recorded.
    public var isOpaque: Bool { flags & UInt32(PROV_FLAG_OPAQUE) != 0 }
    /// Whether the object spreads tracking.
    public var propagates: Bool { flags & UInt32(PROV_FLAG_PROPAGATE) != 0 }
}

extension SecurityFS {
    /// The longest security context a target list takes, in bytes.
    public static let maxSecurityContextBytes = Int(PROV_SECCTX_MAX) - 1

    /// Performs one policy change.
    /// - Throws: `SystemError` naming the control file (EPERM, EINVAL, ENOENT...).
    public func perform(_ action: ControlAction) throws {
        switch action {
        case let .flag(flag, on):
            try ControlFile.write(on ? Array("1\n".utf8) : Array("0\n".utf8), to: path(flag.rawValue))
        case let .filter(target, type, add):
            try writeFilter(target, bits: type, add: add)
        case let .resetFilter(target):
            try writeFilter(target, bits: SUBTYPE_MASK, add: false)
        case let .file(filePath, change):
            try ControlFile.write(fileRequest(filePath, change), to: path("file"))
        case let .process(pid, change):
            try ControlFile.writeValue(processRequest(pid, change), to: path("process"))
        case let .user(uid, op):
            var info = prov_userinfo()
            info.uid = uid
            info.op = op.bits
            try ControlFile.writeValue(info, to: path("uid"))
        case let .group(gid, op):
            var info = prov_groupinfo()
            info.gid = gid
            info.op = op.bits
            try ControlFile.writeValue(info, to: path("gid"))
        case let .cgroup(ns, op):
            var info = prov_nsinfo()
            info.cgroupns = ns
            info.op = op.bits
            try ControlFile.writeValue(info, to: path("ns"))
        case let .secctx(context, op):
            try ControlFile.writeValue(Self.secinfo(context, op: op.bits), to: path("secctx_filter"))
        case let .ipv4(direction, filter, op):
            var entry = prov_ipv4_filter()
            entry.ip = filter.address.bigEndian
            entry.mask = filter.mask.bigEndian
            entry.port = filter.port.bigEndian
            entry.op = op.bits
            try ControlFile.writeValue(entry, to: path(direction.fileName))
        case .newEpoch:
            try ControlFile.write(Array("1\n".utf8), to: path("epoch"))
        }
    }

    private func writeFilter(_ target: FilterTarget, bits: UInt64, add: Bool) throws {
        var f = prov_filter()
        f.filter = bits
        f.mask = bits
        f.add = add ? 1 : 0
        try ControlFile.writeValue(f, to: path(target.fileName))
    }

    func processRequest(_ pid: Int32, _ change: ObjectChange) -> prov_process_config {
        var config = prov_process_config()
        config.vpid = UInt32(bitPattern: pid)
        config.op = change.op
        config.flags = change.flags
        config.taint = change.taint
        return config
    }

    /// `struct prov_file_config` with `fd = -1` followed by the path bytes (no NUL).
    func fileRequest(_ filePath: String, _ change: ObjectChange) -> [UInt8] {
        let pathBytes = Array(filePath.utf8)
        var config = prov_file_config()
        config.fd = -1
        config.op = change.op
        config.flags = change.flags
        config.path_length = UInt32(pathBytes.count)
        config.taint = change.taint
        return ControlFile.bytes(of: config) + pathBytes
    }

    /// `struct prov_secinfo` for `context` (at most `PROV_SECCTX_MAX - 1` bytes, NUL-padded).
    static func secinfo(_ context: String, op: UInt8) -> prov_secinfo {
        var info = prov_secinfo()
        let bytes = Array(context.utf8.prefix(Int(PROV_SECCTX_MAX) - 1))
        info.len = UInt32(bytes.count)
        info.op = op
        withUnsafeMutableBytes(of: &info.secctx) { dst in
            for (i, b) in bytes.enumerated() { dst[i] = b }
        }
        return info
    }

    /// The state of the file at `filePath` (a query through "file", open to everyone).
    public func fileState(_ filePath: String) throws -> ObjectState {
        let answer = try ControlFile.query(fileRequest(filePath, ObjectChange(op: 0, flags: 0)),
                                           at: path("file"),
                                           answerSize: MemoryLayout<prov_object_state>.size)
        return ObjectState(ControlFile.load(prov_object_state.self, from: answer[...]))
    }

    /// The state of process `pid` (a query through "process").
    public func processState(_ pid: Int32) throws -> ObjectState {
        let request = ControlFile.bytes(of: processRequest(pid, ObjectChange(op: 0, flags: 0)))
        let answer = try ControlFile.query(request, at: path("process"),
                                           answerSize: MemoryLayout<prov_object_state>.size)
        return ObjectState(ControlFile.load(prov_object_state.self, from: answer[...]))
    }

    /// The bitmap of a filter file.
    public func filterBits(_ target: FilterTarget) throws -> UInt64 {
        try SystemFile.readValue(UInt64.self, from: path(target.fileName))
    }

    /// Every entry of a target list file, decoded as `T`.
    /// - Throws: `SystemError` when the size is not a multiple of the structure.
    func listEntries<T>(_ name: String, as type: T.Type) throws -> [T] {
        let size = MemoryLayout<T>.size
        let file = path(name)
        let bytes = try SystemFile.read(file, limit: size * Int(PROV_TARGETS_MAX) + size)
        guard bytes.count % size == 0 else {
            throw SystemError(path: file, operation: "read", code: 0,
                              detail: "\(bytes.count) bytes is not a whole number of \(size)-byte entries")
        }
        return stride(from: 0, to: bytes.count, by: size).map {
            ControlFile.load(T.self, from: bytes[$0..<($0 + size)])
        }
    }

    /// The 32 bytes of `policy_hash`.
    public func policyHash() throws -> [UInt8] {
        let file = path("policy_hash")
        let bytes = try SystemFile.read(file, limit: Int(PROV_POLICY_HASH_LEN))
        guard bytes.count == Int(PROV_POLICY_HASH_LEN) else {
            throw SystemError(path: file, operation: "read", code: 0,
                              detail: "expected \(PROV_POLICY_HASH_LEN) bytes, got \(bytes.count)")
        }
        return bytes
    }

    /// The kernel build's commit (empty when unknown or when the file is absent).
    public func commit() throws -> String {
        let file = path("commit")
        guard SystemFile.exists(file) else { return "" }
        var bytes = try SystemFile.read(file, limit: 256)
        while let last = bytes.last, last == 0 || last == 10 || last == 32 { bytes.removeLast() }
        return String(decoding: bytes, as: UTF8.self)
    }
}
