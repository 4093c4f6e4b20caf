import Foundation
import XCTest
@testable import Provenance
@testable import Serialize

/// Helpers shared by the SPADE tests.
enum SPADE {
    /// A name cache that knows the sample path (/usr/bin/wget).
    static func sampleNames() -> NameCache {
        let c = NameCache()
        c.insert(RecordSamples.pathID, name: Array("/usr/bin/wget".utf8))
        return c
    }

    /// The bytes written for `records`: every chunk of one batch, concatenated.
    static func output(_ records: [Record], names: NameCache? = nil,
                      contexts: (any SecurityContextResolver)? = nil,
                      maxBytes: Int = 1 << 30) -> [UInt8] {
        let encoder = SPADEEncoder(nameCache: names ?? sampleNames(), securityContexts: contexts)
        var batch = SPADEBatch(encoder: encoder, maxDocumentBytes: maxBytes)
        var out: [UInt8] = []
        for r in records { batch.add(r) { out += $0 } }
        batch.flush { out += $0 }
        return out
    }

    /// The lines of `output` without their `\n` (which every line must have).
    static func lines(_ output: [UInt8]) -> [[UInt8]] {
        precondition(output.isEmpty || output.last == 10, "output does not end in a newline")
        return output.split(separator: 10, omittingEmptySubsequences: false).dropLast().map(Array.init)
    }

    /// The single line written for `record`, as text, without its `\n`.
    static func line(_ record: Record, names: NameCache? = nil,
                     contexts: (any SecurityContextResolver)? = nil) -> String {
        let all = lines(output([record], names: names, contexts: contexts))
        precondition(all.count == 1)
        return text(all[0])
    }

    static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }
}

/// Resolves every secid to one fixed context (the reference examples' context).
final class FixedContext: SecurityContextResolver, Sendable {
    let context: [UInt8]
    init(_ context: String) { self.context = Array(context.utf8) }
    func securityContext(for secid: UInt32) -> [UInt8]? { context }
}
