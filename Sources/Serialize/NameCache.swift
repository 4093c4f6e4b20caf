import Provenance
import Synchronization

/// Path names by path-node identifier, shared by all reader threads.
///
/// Filled from `path` records; nodes whose `name_id` points at a cached path
/// get a `cf:name` attribute. Fixes over the reference: a lookup never waits
/// (the reference slept up to 5 × 50 ms per miss; a miss now just omits
/// `cf:name`), and memory is bounded: entries live in two generations, and
/// when the current one reaches `capacity / 2` entries the older one is
/// dropped, so recently inserted names stay available.
public final class NameCache: Sendable {
    private struct Generations {
        var current: [Identifier: [UInt8]] = [:]
        var previous: [Identifier: [UInt8]] = [:]
    }

    private let state = Mutex(Generations())
    /// Upper bound on the number of names kept.
    public let capacity: Int

    /// Creates a cache keeping at most `capacity` names (at least 2).
    public init(capacity: Int = 131_072) {
        self.capacity = max(capacity, 2)
    }

    /// Records the name of the path node `id`.
    public func insert(_ id: Identifier, name: [UInt8]) {
        let half = capacity / 2
        state.withLock { s in
            if s.current.count >= half {
                s.previous = s.current
                s.current = [:]
                s.current.reserveCapacity(half)
            }
            s.current[id] = name
        }
    }

    /// The name of the path node `id`, if known.
    public func name(for id: Identifier) -> [UInt8]? {
        state.withLock { s in s.current[id] ?? s.previous[id] }
    }

    /// Number of names currently kept.
    public var count: Int {
        state.withLock { s in s.current.count + s.previous.count }
    }
}
