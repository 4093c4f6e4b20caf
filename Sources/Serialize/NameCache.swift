import Glibc
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
/// naming it), and nothing is ever rehashed.
///
/// Layout (the hot path of every path record and every named node): all
/// slots live in one anonymous mapping made once (zero pages until used,
/// transparent huge pages asked for, so that random slots cost few TLB
/// misses). A slot is 128 bytes (two cache lines) holding its own lock word,
/// the name's length, the identifier and, for names up to `inlineBytes`,
/// the name itself. Longer names go to a heap block owned by the slot and
/// reused by later long names. Inserting copies the bytes into the slot and
/// looking up hands the bytes to a closure under the slot's lock: no
/// allocation, no reference counting, and the lock is in the cache line the
/// operation reads anyway (reader threads never share a lock otherwise).
public final class NameCache: @unchecked Sendable {
    // @unchecked: a slot's fields are read and written only with its lock
    // word held; the mapping itself never changes after init.

    /// Bytes of one slot.
    static let slotStride = 128
    /// Offsets in a slot: lock word, length + 1 (0: no name, so that a zero
    /// page is an empty slot), identifier (32 bytes), heap pointer, heap
    /// capacity, inline bytes.
    static let lengthOffset = 4, idOffset = 8, heapOffset = 40, heapCapacityOffset = 48, inlineOffset = 52
    /// Longest name kept inside the slot itself.
    static let inlineBytes = slotStride - inlineOffset

    private let mapping: UnsafeMutableRawPointer
    private let mappingBytes: Int
    /// `mapping` rounded up to a huge page.
    private let slots: UnsafeMutableRawPointer
    /// Slots are grouped as 16 regions (one when the capacity is below
    /// 1,024) picked by the top bits of the hash, the slot in the region by
    /// its low bits: the same placement, hence the same names kept, as
    /// the earlier sharded cache.
    private let regionMask: UInt64
    private let slotsPerRegion: Int
    private let slotMask: UInt64
    private let slotCount: Int
    /// Upper bound on the number of names kept.
    public let capacity: Int

    /// Creates a cache keeping at most `capacity` names (at least 1).
    public init(capacity: Int = 131_072) {
        self.capacity = max(capacity, 1)
        let regions = self.capacity >= 1024 ? 16 : 1
        var perRegion = 1
        while perRegion * 2 <= self.capacity / regions { perRegion *= 2 }
        regionMask = UInt64(regions - 1)
        slotsPerRegion = perRegion
        slotMask = UInt64(perRegion - 1)
        let count = regions * perRegion
        slotCount = count
        let hugePage = 2 << 20
        mappingBytes = count * Self.slotStride + hugePage
        guard let block = mmap(nil, mappingBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
              block != MAP_FAILED
        else { fatalError("cannot map \(mappingBytes) bytes for the name cache") }
        mapping = block
        slots = block.alignedUp(toMultipleOf: hugePage)
        _ = madvise(slots, count * Self.slotStride, MADV_HUGEPAGE)  // advice only
    }

    deinit {
        for i in 0..<slotCount {
            let slot = slots + i * Self.slotStride
            if let heap = slot.load(fromByteOffset: Self.heapOffset, as: UnsafeMutableRawPointer?.self) {
                heap.deallocate()
            }
        }
        munmap(mapping, mappingBytes)
    }

    /// The slot of `id`.
    @inline(__always)
    private func slot(_ id: Identifier) -> UnsafeMutableRawPointer {
        var h = id.id ^ (UInt64(id.version) << 32 | UInt64(id.bootID)) ^ id.type ^ UInt64(id.machineID) << 17
        h = (h ^ h >> 31) &* 0x9E37_79B9_7F4A_7C15
        h ^= h >> 29
        let region = Int(truncatingIfNeeded: h >> 58 & regionMask)
        return slots + (region * slotsPerRegion + Int(truncatingIfNeeded: h & slotMask)) * Self.slotStride
    }

    /// The lock word at the start of `slot` (zero-filled memory is an
    /// unlocked `Atomic<UInt32>`).
    @inline(__always)
    private static func lockWord(_ slot: UnsafeMutableRawPointer) -> UnsafeMutablePointer<Atomic<UInt32>> {
        slot.assumingMemoryBound(to: Atomic<UInt32>.self)
    }

    @inline(__always)
    private static func lock(_ slot: UnsafeMutableRawPointer) {
        let word = lockWord(slot)
        var spins = 0
        while !word.pointee.compareExchange(expected: 0, desired: 1, ordering: .acquiring).exchanged {
            // Held for a copy of one name: wait a little, then let the holder run.
            spins += 1
            if spins >= 64 {
                sched_yield()
                spins = 0
            }
        }
    }

    @inline(__always)
    private static func unlock(_ slot: UnsafeMutableRawPointer) {
        lockWord(slot).pointee.store(0, ordering: .releasing)
    }

    /// Starts loading the slot of `id` into the CPU cache and returns a
    /// value derived from it (the caller keeps it so that the load is not
    /// optimised away). Called before encoding the rest of an element, so
    /// that the cache miss of the later `insert` overlaps that work.
    @inline(__always)
    public func prefetch(_ id: Identifier) -> UInt32 {
        Self.lockWord(slot(id)).pointee.load(ordering: .relaxed)
    }

    /// Records the name of the path node `id`.
    public func insert(_ id: Identifier, name: UnsafeBufferPointer<UInt8>) {
        let slot = slot(id)
        let length = name.count
        Self.lock(slot)
        defer { Self.unlock(slot) }
        slot.storeBytes(of: id, toByteOffset: Self.idOffset, as: Identifier.self)
        slot.storeBytes(of: UInt32(truncatingIfNeeded: length) &+ 1, toByteOffset: Self.lengthOffset,
                        as: UInt32.self)
        guard length > 0, let source = name.baseAddress else { return }
        if length <= Self.inlineBytes {
            (slot + Self.inlineOffset).copyMemory(from: source, byteCount: length)
            return
        }
        var heap = slot.load(fromByteOffset: Self.heapOffset, as: UnsafeMutableRawPointer?.self)
        let heapCapacity = Int(slot.load(fromByteOffset: Self.heapCapacityOffset, as: UInt32.self))
        if heap == nil || heapCapacity < length {
            heap?.deallocate()
            let newCapacity = max(length, 256)
            heap = .allocate(byteCount: newCapacity, alignment: 8)
            slot.storeBytes(of: heap, toByteOffset: Self.heapOffset, as: UnsafeMutableRawPointer?.self)
            slot.storeBytes(of: UInt32(truncatingIfNeeded: newCapacity), toByteOffset: Self.heapCapacityOffset,
                            as: UInt32.self)
        }
        heap?.copyMemory(from: source, byteCount: length)
    }

    /// Records the name of the path node `id`.
    public func insert(_ id: Identifier, name: [UInt8]) {
        name.withUnsafeBufferPointer { insert(id, name: $0) }
    }

    /// Calls `body` with the name of the path node `id` (under the slot's
    /// lock: `body` must not use the cache) and returns its result, or
    /// returns nil without calling it if the name is not known.
    @inline(__always)
    public func withName<R>(for id: Identifier, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R? {
        let slot = slot(id)
        Self.lock(slot)
        defer { Self.unlock(slot) }
        let stored = slot.load(fromByteOffset: Self.lengthOffset, as: UInt32.self)
        guard stored != 0, slot.load(fromByteOffset: Self.idOffset, as: Identifier.self) == id else { return nil }
        let count = Int(stored - 1)
        let bytes: UnsafeRawPointer?
        if count <= Self.inlineBytes {
            bytes = UnsafeRawPointer(slot + Self.inlineOffset)
        } else {
            bytes = UnsafeRawPointer(slot.load(fromByteOffset: Self.heapOffset, as: UnsafeMutableRawPointer?.self))
        }
        return body(UnsafeBufferPointer(start: bytes?.assumingMemoryBound(to: UInt8.self), count: count))
    }

    /// The name of the path node `id`, if known.
    public func name(for id: Identifier) -> [UInt8]? {
        withName(for: id) { Array($0) }
    }

    /// Number of names currently kept.
    public var count: Int {
        var total = 0
        for i in 0..<slotCount {
            let slot = slots + i * Self.slotStride
            Self.lock(slot)
            if slot.load(fromByteOffset: Self.lengthOffset, as: UInt32.self) != 0 { total += 1 }
            Self.unlock(slot)
        }
        return total
    }
}
