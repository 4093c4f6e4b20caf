import CProvenanceABI
import Provenance

/// Node and relation type names from the kernel's table, looked up on the
/// hot path without hashing: a collision-free direct-mapped table built once
/// (a multiplicative hash of the type word picks the slot; the names live in
/// one byte arena).
final class TypeNameTable: Sendable {
    static let shared = TypeNameTable()

    private static let bits = 12
    private let words: [UInt64]
    /// offset << 16 | length into `arena`.
    private let spans: [UInt64]
    private let arena: [UInt8]
    private let multiplier: UInt64

    private init() {
        var entries: [(UInt64, [UInt8])] = []
        for t in NodeType.all { if let name = t.nameBytes { entries.append((t.rawValue, name)) } }
        for t in RelationType.all { if let name = t.nameBytes { entries.append((t.rawValue, name)) } }
        let size = 1 << Self.bits
        var multiplier: UInt64 = 0x9E37_79B9_7F4A_7C15
        var words = [UInt64](repeating: 0, count: size)
        var spans = [UInt64](repeating: 0, count: size)
        var arena: [UInt8] = []
        search: for _ in 0..<10_000 {
            words = [UInt64](repeating: 0, count: size)
            for (word, _) in entries where word != 0 {
                let i = Int(truncatingIfNeeded: (word &* multiplier) >> UInt64(64 - Self.bits))
                if words[i] != 0 {
                    multiplier = multiplier &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                    multiplier |= 1
                    continue search
                }
                words[i] = word
            }
            break
        }
        for (word, name) in entries where word != 0 {
            let i = Int(truncatingIfNeeded: (word &* multiplier) >> UInt64(64 - Self.bits))
            guard words[i] == word else { continue }  // no collision-free multiplier found: slow misses
            spans[i] = UInt64(arena.count) << 16 | UInt64(name.count)
            arena.append(contentsOf: name)
        }
        self.words = words
        self.spans = spans
        self.arena = arena
        self.multiplier = multiplier
    }

    /// Appends the name of `word` if it is in the table and is a relation
    /// type exactly when `relation` is set; returns false otherwise.
    @inline(__always)
    func append<Out: ByteSink>(_ word: UInt64, relation: Bool, to out: inout Out) -> Bool {
        guard word != 0, (word & DM_RELATION != 0) == relation else { return false }
        let i = Int(truncatingIfNeeded: (word &* multiplier) >> UInt64(64 - Self.bits))
        guard words[i] == word else { return false }
        let span = spans[i]
        arena.withUnsafeBufferPointer { a in
            out.append(contentsOf: UnsafeBufferPointer(rebasing: a[Int(span >> 16)..<Int(span >> 16 + span & 0xFFFF)]))
        }
        return true
    }
}

extension ByteSink {
    /// Appends the node type name of `word` without quotes ("unknown" if the
    /// word is not a node type of the kernel's table).
    @inline(__always)
    mutating func appendNodeTypeName(_ word: UInt64) {
        if !TypeNameTable.shared.append(word, relation: false, to: &self) { append("unknown") }
    }

    /// Appends the relation type name of `word` without quotes ("unknown" if
    /// the word is not a relation type of the kernel's table).
    @inline(__always)
    mutating func appendRelationTypeName(_ word: UInt64) {
        if !TypeNameTable.shared.append(word, relation: true, to: &self) { append("unknown") }
    }
}
