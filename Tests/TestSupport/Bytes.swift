/// Little-endian byte builder for expected control structures.
public struct Bytes {
    /// The bytes built so far.
    public private(set) var array: [UInt8] = []

    /// An empty builder.
    public init() {}

    /// Appends one byte.
    public func u8(_ v: UInt8) -> Bytes { var c = self; c.array.append(v); return c }
    /// Appends a big-endian u16 (network order).
    public func u16be(_ v: UInt16) -> Bytes { var c = self; c.array += [UInt8(v >> 8), UInt8(v & 0xFF)]; return c }
    /// Appends a little-endian u32.
    public func u32(_ v: UInt32) -> Bytes {
        var c = self
        for i in 0..<4 { c.array.append(UInt8((v >> (8 * UInt32(i))) & 0xFF)) }
        return c
    }
    /// Appends a little-endian u64.
    public func u64(_ v: UInt64) -> Bytes {
        var c = self
        for i in 0..<8 { c.array.append(UInt8((v >> (8 * UInt64(i))) & 0xFF)) }
        return c
    }
    /// Appends bytes.
    public func raw(_ b: [UInt8]) -> Bytes { var c = self; c.array += b; return c }
    /// Appends `n` zero bytes.
    public func zeros(_ n: Int) -> Bytes { raw([UInt8](repeating: 0, count: n)) }
    /// Appends the UTF-8 bytes of `s`.
    public func text(_ s: String) -> Bytes { raw(Array(s.utf8)) }

    /// struct prov_filter.
    public static func filter(_ type: UInt64, add: Bool) -> [UInt8] {
        Bytes().u64(type).u64(type).u8(add ? 1 : 0).zeros(7).array
    }
    /// struct prov_userinfo / prov_groupinfo.
    public static func id(_ id: UInt32, op: UInt8) -> [UInt8] { Bytes().u32(id).u8(op).zeros(3).u64(0).array }
    /// struct prov_nsinfo with only cgroupns set.
    public static func ns(_ ns: UInt32, op: UInt8) -> [UInt8] {
        Bytes().zeros(20).u32(ns).u8(op).zeros(7).u64(0).array
    }
    /// struct prov_ipv4_filter; ip and mask given as dotted bytes.
    public static func ipv4(_ ip: [UInt8], _ mask: [UInt8], port: UInt16, op: UInt8) -> [UInt8] {
        Bytes().raw(ip).raw(mask).u16be(port).u8(op).zeros(5).u64(0).array
    }
    /// struct prov_secinfo.
    public static func secctx(_ s: String, op: UInt8) -> [UInt8] {
        let b = Array(s.utf8)
        return Bytes().u32(0).u32(UInt32(b.count)).u8(op).zeros(7).u64(0).raw(b).zeros(256 - b.count).array
    }
    /// struct prov_file_config by path, followed by the path.
    public static func file(_ path: String, op: UInt8, flags: UInt32, taint: UInt64 = 0) -> [UInt8] {
        Bytes().raw([0xFF, 0xFF, 0xFF, 0xFF]).u8(op).zeros(3).u32(flags).u32(UInt32(path.utf8.count))
            .u64(taint).text(path).array
    }
    /// struct prov_process_config.
    public static func process(_ pid: UInt32, op: UInt8, flags: UInt32, taint: UInt64 = 0) -> [UInt8] {
        Bytes().u32(pid).u8(op).zeros(3).u32(flags).u32(0).u64(taint).array
    }
    /// struct prov_object_state.
    public static func state(type: UInt64, id: UInt64, boot: UInt32, machine: UInt32, version: UInt32,
                             flags: UInt32, taint: UInt64) -> [UInt8] {
        Bytes().u64(type).u64(id).u32(boot).u32(machine).u32(version).u32(0).u32(flags).u32(0).u64(taint).array
    }
}
