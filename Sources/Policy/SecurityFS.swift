import CProvenanceABI
import Glibc
import Provenance

/// The kernel refused a `relay_conf` write with EBUSY: the relay was
/// already configured in this boot.
public struct RelayAlreadyConfigured: Error, Equatable, CustomStringConvertible {
    /// The relay_conf file written.
    public var path: String
    public var description: String { "\(path): relay already configured in this boot" }
}

/// Client of the provenance LSM's securityfs directory
/// (default `/sys/kernel/security/provenance`).
///
/// The root is a parameter so tests can point it at a temporary directory
/// of regular files. Every failure is a `SystemError` naming the file.
public struct SecurityFS: Sendable {
    /// The default securityfs directory.
    public static let defaultRoot = "/sys/kernel/security/provenance"

    /// The directory holding the control files.
    public let root: String

    /// Creates a client for the directory `root`.
    public init(root: String = SecurityFS.defaultRoot) {
        self.root = root.count > 1 && root.hasSuffix("/") ? String(root.dropLast()) : root
    }

    /// Boolean control files.
    public enum Flag: String, CaseIterable, Sendable {
        case enable, all
        case shouldVersion = "should_version"
        case compressNode = "compress_node"
        case compressEdge = "compress_edge"
        case duplicate
        /// In-band provenance labels on the packets of recorded sockets
        /// (kernels without packet labelling have no such file).
        case label
    }

    /// Whether the control file of `flag` exists (`label` is missing on
    /// kernels without packet labelling).
    public func has(_ flag: Flag) -> Bool { SystemFile.exists(path(flag.rawValue)) }

    /// Full path of the control file `name`.
    public func path(_ name: String) -> String { root + "/" + name }

    /// Whether the LSM's directory is there (its `enable` file exists).
    public var isPresent: Bool { SystemFile.exists(path(Flag.enable.rawValue)) }

    /// Writes `"1\n"` or `"0\n"` to a boolean file.
    public func set(_ flag: Flag, _ on: Bool) throws {
        try ControlFile.write(on ? Array("1\n".utf8) : Array("0\n".utf8), to: path(flag.rawValue))
    }

    /// Reads a boolean file (`"1"`/`"0"`, optionally followed by a newline or NUL).
    public func get(_ flag: Flag) throws -> Bool {
        let file = path(flag.rawValue)
        let bytes = try SystemFile.read(file, limit: 16)
        switch bytes.first {
        case UInt8(ascii: "1"): return true
        case UInt8(ascii: "0"): return false
        default:
            throw SystemError(path: file, operation: "read", code: 0, detail: "not a boolean")
        }
    }

    /// Writes `struct prov_relay_conf` to `relay_conf`.
    /// - Throws: `RelayAlreadyConfigured` when the kernel answers EBUSY,
    ///   `SystemError` otherwise.
    public func configureRelay(bootID: UInt32, machineID: UInt32, buffExp: UInt32, subufNb: UInt32) throws {
        var conf = prov_relay_conf()
        conf.boot_id = bootID
        conf.machine_id = machineID
        conf.buff_exp = buffExp
        conf.subuf_nb = subufNb
        let file = path("relay_conf")
        do {
            try ControlFile.writeValue(conf, to: file)
        } catch let error as SystemError where error.code == EBUSY {
            throw RelayAlreadyConfigured(path: file)
        }
    }

    /// The machine id of this boot (0 before `relay_conf` was written).
    public func machineID() throws -> UInt32 {
        try SystemFile.readValue(UInt32.self, from: path("machine_id"))
    }

    /// The boot id of this boot (0 before `relay_conf` was written).
    public func bootID() throws -> UInt32 {
        try SystemFile.readValue(UInt32.self, from: path("boot_id"))
    }

    /// Marks the calling process opaque (never recorded): writes
    /// `struct prov_process_config` with `op = PROV_SET_OPAQUE` and
    /// `flags = PROV_FLAG_OPAQUE` to `self`.
    public func markSelfOpaque() throws {
        var config = prov_process_config()
        config.op = UInt8(PROV_SET_OPAQUE)
        config.flags = UInt32(PROV_FLAG_OPAQUE)
        try ControlFile.writeValue(config, to: path("self"))
    }

    /// Starts a new capture epoch.
    public func bumpEpoch() throws {
        try ControlFile.write(Array("1\n".utf8), to: path("epoch"))
    }

    /// Publishes partly filled relay sub-buffers.
    public func flush() throws {
        try ControlFile.write(Array("1\n".utf8), to: path("flush"))
    }

    /// Records lost by the kernel (relay full or boot buffer full).
    public func dropped() throws -> UInt64 {
        try SystemFile.readValue(prov_dropped.self, from: path("dropped")).count
    }

    /// The number of live tracked objects (`gate`), or nil on a kernel
    /// without the `gate` file.
    public func trackedObjects() throws -> UInt64? {
        guard SystemFile.exists(path("gate")) else { return nil }
        return try SystemFile.readValue(prov_gate_state.self, from: path("gate")).tracked
    }

    /// The LSM version string (e.g. "v0.1.0"), trailing whitespace removed.
    public func version() throws -> String {
        var bytes = try SystemFile.read(path("version"), limit: 256)
        while let last = bytes.last, last == 0 || last == 10 || last == 32 { bytes.removeLast() }
        return String(decoding: bytes, as: UTF8.self)
    }
}
