import Foundation

/// A directory of regular files standing in for
/// /sys/kernel/security/provenance: every control file of the provenance
/// LSM exists (empty), `boot_id` and `machine_id` read 0. The tools open
/// control files with O_APPEND, so each file shows every write in order
/// (`bytes(_:)`, `writes()`); `put` places the answers reads expect.
public final class FakeSecurityFS {
    /// The directory given to `--securityfs-root` / `SecurityFS(root:)`.
    public let root: String
    /// Keeps a directory created by `init()` alive.
    private let owned: TempDir?

    /// The control files that are written (every one starts empty).
    public static let writable = ["enable", "all", "should_version", "compress_node", "compress_edge", "duplicate",
                                  "label", "relay_conf", "self", "flush", "epoch", "file", "process",
                                  "uid", "gid", "ns", "secctx_filter", "ipv4_ingress", "ipv4_egress"]
    /// The ten filter files.
    public static let filters = ["node", "derived", "generated", "used", "informed"]
        .flatMap { ["\($0)_filter", "propagate_\($0)_filter"] }

    /// A tree in the directory `name` of `dir`.
    public init(in dir: TempDir, name: String = "sec") {
        owned = nil
        root = dir.dir(name)
        createFiles()
    }

    /// A tree in a temporary directory of its own.
    public init() throws {
        let dir = try TempDir("camflow-fake-securityfs")
        owned = dir
        root = dir.path
        createFiles()
    }

    private func createFiles() {
        for name in Self.writable + Self.filters { put(name, []) }
        put("boot_id", [0, 0, 0, 0])
        put("machine_id", [0, 0, 0, 0])
    }

    /// Replaces the file `name` with `bytes`.
    public func put(_ name: String, _ bytes: [UInt8]) {
        _ = FileManager.default.createFile(atPath: root + "/" + name, contents: Data(bytes))
    }

    /// Replaces the file `name` with `text`.
    public func put(_ name: String, _ text: String) { put(name, Array(text.utf8)) }

    /// Removes the file `name` (a kernel without it).
    public func remove(_ name: String) throws {
        try FileManager.default.removeItem(atPath: root + "/" + name)
    }

    /// Every byte written to (or placed in) `name`.
    public func bytes(_ name: String) -> [UInt8] {
        (try? [UInt8](Data(contentsOf: URL(fileURLWithPath: root + "/" + name)))) ?? []
    }

    /// The non-empty control files (what a run wrote), by name.
    public func writes(excluding: Set<String> = []) -> [String: [UInt8]] {
        var result: [String: [UInt8]] = [:]
        for name in Self.writable + Self.filters where !excluding.contains(name) {
            let b = bytes(name)
            if !b.isEmpty { result[name] = b }
        }
        return result
    }

    /// Empties every control file (to compare two runs).
    public func clearWrites() {
        for name in Self.writable + Self.filters { put(name, []) }
    }

    /// Fills the readable files with a state: booleans, ids, hash, filters,
    /// empty lists. `label` nil removes the `label` file (a kernel without
    /// packet labelling).
    public func fillState(enabled: Bool = true, all: Bool = false, label: Bool? = false,
                          hash: [UInt8] = Array(0..<32)) {
        for (name, on) in [("enable", enabled), ("all", all), ("should_version", true), ("compress_node", true),
                           ("compress_edge", false), ("duplicate", false)] {
            put(name, on ? "1\n" : "0\n")
        }
        if let label { put("label", label ? "1\n" : "0\n") } else { try? remove("label") }
        put("written", "1\n")
        put("machine_id", Bytes().u32(2_887_429_013).array)
        put("boot_id", Bytes().u32(3).array)
        put("policy_hash", hash)
        put("version", "v0.1.0\n")
        put("dropped", Bytes().u64(17).array)
        for name in Self.filters { put(name, Bytes().u64(0).array) }
        for name in ["uid", "gid", "ns", "secctx_filter", "ipv4_ingress", "ipv4_egress"] { put(name, []) }
    }
}
