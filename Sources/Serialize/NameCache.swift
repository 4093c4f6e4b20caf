import Provenance
import Synchronization

/// Path names by path-node identifier, shared by all reader threads.
///
/// Filled from `path` records; nodes whose `name_id` points at a cached path
/// get a `cf:name` attribute. Fixes over the reference: a lookup never waits
/// (the reference slept up to 5 × 50 ms per miss; a miss now just omits
/// `cf:name`), and memory is bounded: entries live in two generations, and
/// when the current one is full the older one is dropped, so recently
/// inserted names stay available.
///
/// The entries are spread over independently locked shards (by node id), so
/// that reader threads inserting paths and looking up names seldom wait for
/// each other.
public final class NameCache: Sendable {
    /// A dictionary key hashing one word made from the identifier's fields
    /// (cheaper than hashing all 32 bytes; equality still compares them all).
    private struct Key: Hashable {
        let id: Identifier
        static func == (a: Key, b: Key) -> Bool { a.id == b.id }
        func hash(into hasher: inout Hasher) {
            hasher.combine(id.id ^ (UInt64(id.version) << 32 | UInt64(id.bootID)) ^ id.type)
        }
    }

    private struct Generations {
        var current: [Key: [UInt8]] = [:]
        var previous: [Key: [UInt8]] = [:]
    }

    private final class Shard: Sendable {
        let state = Mutex(Generations())
    }

    private let shards: [Shard]
    /// A power of two: 16 for caches of 1024 names or more, else 1.
    private let shardMask: Int
    /// Entries of a shard's current generation before it becomes the previous one.
    private let generationSize: Int
    /// Upper bound on the number of names kept.
    public let capacity: Int

    /// Creates a cache keeping at most `capacity` names (at least 2).
    public init(capacity: Int = 131_072) {
        self.capacity = max(capacity, 2)
        let shardCount = self.capacity >= 1024 ? 16 : 1
        shardMask = shardCount - 1
        generationSize = self.capacity / shardCount / 2
        shards = (0..<shardCount).map { _ in Shard() }
    }

    @inline(__always)
    private func shard(_ id: Identifier) -> Shard {
        shards[Int(truncatingIfNeeded: id.id) & shardMask]
    }

    /// Records the name of the path node `id`.
    public func insert(_ id: Identifier, name: [UInt8]) {
        let limit = generationSize
        shard(id).state.withLock { s in
            if s.current.count >= limit {
                s.previous = s.current
                s.current = [:]
                s.current.reserveCapacity(limit)
            }
            s.current[Key(id: id)] = name
        }
    }

    /// The name of the path node `id`, if known.
    public func name(for id: Identifier) -> [UInt8]? {
        let key = Key(id: id)
        return shard(id).state.withLock { s in s.current[key] ?? s.previous[key] }
    }

    /// Number of names currently kept.
    public var count: Int {
        shards.reduce(0) { total, shard in total + shard.state.withLock { $0.current.count + $0.previous.count } }
    }
}
