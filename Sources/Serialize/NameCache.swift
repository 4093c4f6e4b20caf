import Provenance
import Synchronization

/// Path names by path-node identifier, shared by all reader threads.
///
/// Filled from `path` records; nodes whose `name_id` points at a cached path
/// get a `cf:name` attribute. Fixes over the reference: a lookup never waits
/// (the reference slept up to 5 × 50 ms per miss; a miss now just omits
/// `cf:name`), and memory is bounded (the reference kept every path ever
/// seen).
///
/// The cache is direct-mapped, like a CPU cache: an identifier's hash picks
/// one slot, and a new name replaces whatever that slot held. Recent names
/// therefore stay available (a path record comes just before the records
/// naming it), inserting and looking up cost a hash, a lock and a copy of a
/// reference, and nothing is ever rehashed. The slots are spread over
/// independently locked shards so that reader threads seldom wait for each
/// other.
public final class NameCache: Sendable {
    private struct Slots {
        var ids: [Identifier]
        var names: [[UInt8]?]
    }

    private final class Shard: Sendable {
        let state: Mutex<Slots>
        init(size: Int) {
            state = Mutex(Slots(ids: Array(repeating: .zero, count: size),
                                names: Array(repeating: nil, count: size)))
        }
    }

    private let shards: [Shard]
    private let shardMask: UInt64
    private let slotMask: UInt64
    /// Upper bound on the number of names kept.
    public let capacity: Int

    /// Creates a cache keeping at most `capacity` names (at least 1).
    public init(capacity: Int = 131_072) {
        self.capacity = max(capacity, 1)
        let shardCount = self.capacity >= 1024 ? 16 : 1
        var slots = 1
        while slots * 2 <= self.capacity / shardCount { slots *= 2 }
        shardMask = UInt64(shardCount - 1)
        slotMask = UInt64(slots - 1)
        shards = (0..<shardCount).map { _ in Shard(size: slots) }
    }

    @inline(__always)
    private func place(_ id: Identifier) -> (Shard, Int) {
        var h = id.id ^ (UInt64(id.version) << 32 | UInt64(id.bootID)) ^ id.type ^ UInt64(id.machineID) << 17
        h = (h ^ h >> 31) &* 0x9E37_79B9_7F4A_7C15
        h ^= h >> 29
        return (shards[Int(truncatingIfNeeded: h >> 58 & shardMask)], Int(truncatingIfNeeded: h & slotMask))
    }

    /// Records the name of the path node `id`.
    public func insert(_ id: Identifier, name: [UInt8]) {
        let (shard, slot) = place(id)
        shard.state.withLock { s in
            s.ids[slot] = id
            s.names[slot] = name
        }
    }

    /// The name of the path node `id`, if known.
    public func name(for id: Identifier) -> [UInt8]? {
        let (shard, slot) = place(id)
        return shard.state.withLock { s in s.ids[slot] == id ? s.names[slot] : nil }
    }

    /// Number of names currently kept.
    public var count: Int {
        shards.reduce(0) { total, shard in total + shard.state.withLock { s in s.names.reduce(0) { $0 + ($1 == nil ? 0 : 1) } } }
    }
}
