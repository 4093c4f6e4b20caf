import Foundation
@testable import Policy

/// A temporary directory of regular files standing in for
/// /sys/kernel/security/provenance: every control file exists (empty), the
/// readable ones hold plausible answers. Control writes are appended
/// (ControlFile opens with O_APPEND), so `bytes(_:)` shows every write in order.
final class FakeSecurityFS {
    let dir: TempDir
    var path: String { dir.path }
    var fs: SecurityFS { SecurityFS(root: dir.path) }

    static let writeOnly = ["enable", "all", "should_version", "compress_node", "compress_edge", "duplicate",
                            "relay_conf", "self", "flush", "epoch", "file", "process",
                            "uid", "gid", "ns", "secctx_filter", "ipv4_ingress", "ipv4_egress"]

    init() throws {
        dir = try TempDir("camflow-fake-securityfs")
        for name in Self.writeOnly { _ = dir.file(name) }
        for target in FilterTarget.all { _ = dir.file(target.fileName) }
        _ = dir.file("boot_id", [0, 0, 0, 0])
        _ = dir.file("machine_id", [0, 0, 0, 0])
    }

    /// Every byte written to (or placed in) `name`.
    func bytes(_ name: String) -> [UInt8] { dir.bytes(name) }

    /// Replaces `name` with `contents` (an answer for reads).
    func put(_ name: String, _ contents: [UInt8]) { _ = dir.file(name, contents) }

    /// Replaces `name` with text.
    func put(_ name: String, _ text: String) { _ = dir.text(name, text) }

    /// Empties every writable file (to compare two runs).
    func clearWrites() {
        for name in Self.writeOnly where name != "boot_id" && name != "machine_id" { put(name, []) }
        for target in FilterTarget.all { put(target.fileName, []) }
    }

    /// The written bytes of every control file, by name (non-empty ones only).
    func allWrites() -> [String: [UInt8]] {
        var result: [String: [UInt8]] = [:]
        for name in Self.writeOnly + FilterTarget.all.map(\.fileName) {
            let b = bytes(name)
            if !b.isEmpty { result[name] = b }
        }
        return result
    }
}

/// Little-endian byte builder for expected control structures.
struct Bytes {
    private(set) var array: [UInt8] = []

    func u8(_ v: UInt8) -> Bytes { var c = self; c.array.append(v); return c }
    func u16be(_ v: UInt16) -> Bytes { var c = self; c.array += [UInt8(v >> 8), UInt8(v & 0xFF)]; return c }
    func u32(_ v: UInt32) -> Bytes {
        var c = self
        for i in 0..<4 { c.array.append(UInt8((v >> (8 * UInt32(i))) & 0xFF)) }
        return c
    }
    func u64(_ v: UInt64) -> Bytes {
        var c = self
        for i in 0..<8 { c.array.append(UInt8((v >> (8 * UInt64(i))) & 0xFF)) }
        return c
    }
    func raw(_ b: [UInt8]) -> Bytes { var c = self; c.array += b; return c }
    func zeros(_ n: Int) -> Bytes { raw([UInt8](repeating: 0, count: n)) }
    func text(_ s: String) -> Bytes { raw(Array(s.utf8)) }

    /// struct prov_filter.
    static func filter(_ type: UInt64, add: Bool) -> [UInt8] {
        Bytes().u64(type).u64(type).u8(add ? 1 : 0).zeros(7).array
    }
    /// struct prov_userinfo / prov_groupinfo.
    static func id(_ id: UInt32, op: UInt8) -> [UInt8] { Bytes().u32(id).u8(op).zeros(3).u64(0).array }
    /// struct prov_nsinfo with only cgroupns set.
    static func ns(_ ns: UInt32, op: UInt8) -> [UInt8] { Bytes().zeros(20).u32(ns).u8(op).zeros(7).u64(0).array }
    /// struct prov_ipv4_filter; ip and mask given as dotted bytes.
    static func ipv4(_ ip: [UInt8], _ mask: [UInt8], port: UInt16, op: UInt8) -> [UInt8] {
        Bytes().raw(ip).raw(mask).u16be(port).u8(op).zeros(5).u64(0).array
    }
    /// struct prov_secinfo.
    static func secctx(_ s: String, op: UInt8) -> [UInt8] {
        let b = Array(s.utf8)
        return Bytes().u32(0).u32(UInt32(b.count)).u8(op).zeros(7).u64(0).raw(b).zeros(256 - b.count).array
    }
    /// struct prov_file_config by path, followed by the path.
    static func file(_ path: String, op: UInt8, flags: UInt32, taint: UInt64 = 0) -> [UInt8] {
        Bytes().raw([0xFF, 0xFF, 0xFF, 0xFF]).u8(op).zeros(3).u32(flags).u32(UInt32(path.utf8.count))
            .u64(taint).text(path).array
    }
    /// struct prov_process_config.
    static func process(_ pid: UInt32, op: UInt8, flags: UInt32, taint: UInt64 = 0) -> [UInt8] {
        Bytes().u32(pid).u8(op).zeros(3).u32(flags).u32(0).u64(taint).array
    }
    /// struct prov_object_state.
    static func state(type: UInt64, id: UInt64, boot: UInt32, machine: UInt32, version: UInt32,
                      flags: UInt32, taint: UInt64) -> [UInt8] {
        Bytes().u64(type).u64(id).u32(boot).u32(machine).u32(version).u32(0).u32(flags).u32(0).u64(taint).array
    }
}
