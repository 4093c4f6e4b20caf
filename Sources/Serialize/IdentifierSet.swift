import Provenance

/// The identifiers already in the W3C document being built: an
/// open-addressing hash set that is emptied in constant time (a stamp per
/// slot), cheaper per record than `Set<Identifier>`'s SipHash.
struct IdentifierSet {
    private var slots: [Identifier]
    private var stamps: [UInt32]
    private var stamp: UInt32 = 1
    private var mask: Int
    /// Members since the last `removeAll`.
    private(set) var count = 0

    init(capacity: Int = 512) {
        var size = 16
        while size < capacity * 2 { size *= 2 }
        slots = Array(repeating: .zero, count: size)
        stamps = Array(repeating: 0, count: size)
        mask = size - 1
    }

    @inline(__always)
    private static func hash(_ id: Identifier) -> Int {
        var h = id.id &* 0x9E37_79B9_7F4A_7C15
        h ^= id.type &+ UInt64(id.version) &* 0xC2B2_AE3D_27D4_EB4F
        h ^= UInt64(id.bootID) << 32 | UInt64(id.machineID)
        h ^= h >> 29
        return Int(truncatingIfNeeded: (h &* 0xBF58_476D_1CE4_E5B9) >> 17)
    }

    /// Adds `id`; false if it was already there.
    @inline(__always)
    mutating func insert(_ id: Identifier) -> Bool {
        if (count + 1) * 2 > slots.count { grow() }
        var i = Self.hash(id) & mask
        while stamps[i] == stamp {
            if slots[i] == id { return false }
            i = (i + 1) & mask
        }
        stamps[i] = stamp
        slots[i] = id
        count += 1
        return true
    }

    /// Empties the set (constant time).
    mutating func removeAll() {
        count = 0
        if stamp == .max {
            for i in stamps.indices { stamps[i] = 0 }
            stamp = 1
        } else {
            stamp += 1
        }
    }

    private mutating func grow() {
        let members = (0..<slots.count).filter { stamps[$0] == stamp }.map { slots[$0] }
        let size = slots.count * 2
        slots = Array(repeating: .zero, count: size)
        stamps = Array(repeating: 0, count: size)
        mask = size - 1
        stamp = 1
        count = 0
        for id in members { _ = insert(id) }
    }
}
