import CProvenanceABI
import Dispatch
import Synchronization
import XCTest
@testable import Provenance
@testable import Serialize

/// The name cache keeps names inline in its slots or, when long, in a
/// block owned by the slot; every case must give back exactly the bytes.
final class NameCacheTests: XCTestCase {
    func id(_ n: UInt64, boot: UInt32 = 1) -> Identifier {
        Identifier(node: ENT_PATH, id: n, bootID: boot, machineID: 1, version: 0)
    }

    func testShortLongAndEmptyNamesRoundTrip() {
        let cache = NameCache()
        let names: [[UInt8]] = [
            [], Array("/".utf8), Array(repeating: 0x61, count: NameCache.inlineBytes),
            Array(repeating: 0x62, count: NameCache.inlineBytes + 1), Array(repeating: 0x63, count: 5000),
            [0x00, 0xFF, 0x22, 0x5C],
        ]
        for (i, name) in names.enumerated() { cache.insert(id(UInt64(i)), name: name) }
        for (i, name) in names.enumerated() { XCTAssertEqual(cache.name(for: id(UInt64(i))), name, "name \(i)") }
        XCTAssertNil(cache.name(for: id(99)))
        XCTAssertNil(cache.name(for: .zero))
    }

    /// A slot going from a long name to a short one and back (its heap
    /// block reused or replaced by a larger one) gives the latest name.
    func testSlotReplacementKeepsTheLatestName() {
        let cache = NameCache(capacity: 1)
        let sequence: [[UInt8]] = [
            Array(repeating: 0x41, count: 300), Array("/short".utf8), Array(repeating: 0x42, count: 200),
            Array(repeating: 0x43, count: 3000), Array("/x".utf8),
        ]
        for (i, name) in sequence.enumerated() {
            cache.insert(id(UInt64(i)), name: name)
            XCTAssertEqual(cache.name(for: id(UInt64(i))), name, "step \(i)")
            if i > 0 { XCTAssertNil(cache.name(for: id(UInt64(i - 1))), "step \(i): the one slot was replaced") }
        }
        XCTAssertEqual(cache.count, 1)
    }

    /// Readers and writers on several threads: a name read back is always
    /// one that was written for that identifier, never a torn mix.
    func testConcurrentInsertAndLookupNeverTear() {
        let cache = NameCache(capacity: 64)
        let torn = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: 4) { thread in
            for round in 0..<2000 {
                let n = UInt64((round * 7 + thread) % 256)
                let length = Int(n % 3 == 0 ? 150 : 20) + round % 7
                let id = Identifier(node: ENT_PATH, id: n, bootID: 1, machineID: 1, version: 0)
                cache.insert(id, name: Array(repeating: UInt8(truncatingIfNeeded: n), count: length))
                let m = UInt64((round * 3 + thread) % 256)
                if let got = cache.name(for: Identifier(node: ENT_PATH, id: m, bootID: 1, machineID: 1, version: 0)),
                   got.isEmpty || got.contains(where: { $0 != UInt8(truncatingIfNeeded: m) }) {
                    torn.add(1, ordering: .relaxed)
                }
            }
        }
        XCTAssertEqual(torn.load(ordering: .relaxed), 0)
    }
}
