import Capture
import CProvenanceABI
import Foundation
import XCTest
@testable import Provenance
@testable import Serialize

/// A node record ending in a version link (ABI 2) gives, in both formats,
/// byte for byte the output of the node record followed by the separate
/// version relation record the kernel wrote before (ABI 1).
final class VersionLinkOutputTests: XCTestCase {
    /// What one batch of each format makes of a stream of records.
    struct Output: Equatable {
        /// W3C documents, each followed by `\n`.
        var w3c: [UInt8] = []
        var spade: [UInt8] = []
        var w3cDocuments: UInt64 = 0
        var spadeChunks: UInt64 = 0
        var skipped: [UInt64] = []
    }

    func output(_ records: [Record], names: NameCache, maxBytes: Int) -> Output {
        var w3c = W3CBatch(encoder: W3CEncoder(nameCache: names), maxDocumentBytes: maxBytes)
        var spade = SPADEBatch(encoder: SPADEEncoder(nameCache: names), maxDocumentBytes: maxBytes)
        var out = Output()
        for r in records {
            w3c.add(r) { out.w3c += $0 + [10] }
            spade.add(r) { out.spade += $0 }
        }
        w3c.flush { out.w3c += $0 + [10] }
        spade.flush { out.spade += $0 }
        out.w3cDocuments = w3c.documentsEmitted
        out.spadeChunks = spade.documentsEmitted
        out.skipped = [w3c.skipped, spade.skipped]
        return out
    }

    func decode(_ bytes: [UInt8]) throws -> Record {
        try bytes.withUnsafeBytes { try RecordDecoder.decode($0) }
    }

    /// The relation record the kernel's prov_write_relation() wrote right
    /// after a node's new version (ABI 1), built from the C structure and
    /// decoded: the old way, independent of `impliedVersionRelation`.
    func oldRelation(after node: Record, _ link: VersionLink) throws -> Record {
        var r = prov_relation_record()
        r.hdr = prov_record_header(size: UInt32(MemoryLayout<prov_relation_record>.size),
                                   kind: UInt16(PROV_KIND_RELATION.rawValue), abi_version: 1,
                                   flags: node.header.flags, time_ns: node.header.timeNs)
        r.elt.identifier.relation.type = link.type
        r.elt.identifier.relation.id = link.id
        r.elt.identifier.relation.boot_id = node.identifier.bootID
        r.elt.identifier.relation.machine_id = node.identifier.machineID
        r.elt.epoch = node.element.epoch
        r.elt.jiffies = node.element.jiffies
        r.snd = node.identifier.c
        r.snd.node.version -= 1
        r.rcv = node.identifier.c
        r.task_id = link.taskID
        r.allowed = 1
        return try decode(withUnsafeBytes(of: r) { Array($0) })
    }

    /// The same records as the kernel wrote them before (node, relation
    /// record) and now (node ending in its link), both through the decoder.
    func streams(_ items: [(Record, VersionLink?)]) throws -> (old: [Record], new: [Record]) {
        var old: [Record] = [], new: [Record] = []
        for (record, link) in items {
            old.append(try decode(RecordEncoder.encode(record)))
            var linked = record
            linked.versionLink = link
            new.append(try decode(RecordEncoder.encode(linked)))
            if let link { old.append(try oldRelation(after: record, link)) }
        }
        return (old, new)
    }

    func sample(_ name: String, flags: UInt8 = 0) throws -> Record {
        var r = try XCTUnwrap(RecordSamples.named(name))
        r.header.flags = flags
        return r
    }

    func testSampleNodesWithLinksGiveTheOutputOfTheOldPairs() throws {
        let replayed = UInt8(PROV_RECORD_REPLAYED)
        var proc = try sample("proc")
        proc.element.identifier = Identifier(node: ENT_PROC, id: 4244, bootID: RecordSamples.bootID,
                                             machineID: RecordSamples.machineID, version: 7)
        let items: [(Record, VersionLink?)] = [
            (try sample("machine"), nil),
            (try sample("task"), VersionLink(type: RL_VERSION_TASK, id: 500, taskID: 4242)),
            (try sample("relation"), nil),
            (try sample("inode", flags: replayed), VersionLink(type: RL_VERSION, id: 501, taskID: 4242)),
            (try sample("path"), nil),
            (proc, VersionLink(type: RL_VERSION, id: 502, taskID: 0)),
            // the same task version again: a new W3C document between node and relation
            (try sample("task"), VersionLink(type: RL_VERSION_TASK, id: 503, taskID: 4242)),
            (try sample("msg"), nil),
        ]
        let (old, new) = try streams(items)
        XCTAssertEqual(new.count, items.count)
        XCTAssertEqual(new.compactMap(\.versionLink).count, 4)
        XCTAssertEqual(old.count, items.count + 4)
        let names = SPADE.sampleNames()
        // from a document per element to everything in one
        for maxBytes in [1, 200, 700, 1500, 4096, 1 << 30] {
            let expected = output(old, names: names, maxBytes: maxBytes)
            XCTAssertEqual(SPADE.lines(expected.spade).count, old.count)
            let produced = output(new, names: names, maxBytes: maxBytes)
            XCTAssertEqual(SPADE.text(produced.w3c), SPADE.text(expected.w3c), "W3C, documents of \(maxBytes)")
            XCTAssertEqual(SPADE.text(produced.spade), SPADE.text(expected.spade), "SPADE, chunks of \(maxBytes)")
            XCTAssertEqual(produced, expected, "chunks of \(maxBytes)")
        }
    }

    /// The real kernel's node records followed by their version relation
    /// (Tests/Fixtures/kernel, ABI 1): turned into nodes with links (the
    /// relation's time and jiffies set to the node's, as the kernel now
    /// writes one stamp for both), the output is the same.
    func testKernelVersionPairsGiveTheSameOutputAsLinks() throws {
        let directory = KernelGoldenTests.fixtures.appendingPathComponent("kernel")
        var old: [Record] = [], new: [Record] = []
        var pairs = 0
        for name in ["provenance0.bin", "provenance1.bin"] {
            let reader = try RelayReader(path: directory.appendingPathComponent(name).path)
            var records: [Record] = []
            while try reader.readAvailable(onRecord: { records.append($0) }) > 0 {}
            var i = 0
            while i < records.count {
                let node = records[i]
                guard i + 1 < records.count, node.kind != .relation,
                      case let .relation(info) = records[i + 1].payload,
                      [RL_VERSION, RL_VERSION_TASK].contains(records[i + 1].typeWord),
                      info.receiver == node.identifier else {
                    old.append(node)
                    new.append(node)
                    i += 1
                    continue
                }
                var relation = records[i + 1]
                relation.header.timeNs = node.header.timeNs
                relation.element.jiffies = node.element.jiffies
                var linked = node
                linked.versionLink = VersionLink(type: relation.typeWord, id: relation.identifier.id, taskID: info.taskID)
                linked = try decode(RecordEncoder.encode(linked))
                XCTAssertEqual(linked.impliedVersionRelation, relation, "\(name): record \(i)")
                old += [node, relation]
                new.append(linked)
                pairs += 1
                i += 2
            }
        }
        XCTAssertGreaterThan(pairs, 200)
        let names = NameCache()
        for r in old {
            if case let .path(p) = r.payload { names.insert(r.identifier, name: p.bytes) }
        }
        for maxBytes in [2048, 64 * 1024] {
            let expected = output(old, names: names, maxBytes: maxBytes)
            let produced = output(new, names: names, maxBytes: maxBytes)
            XCTAssertEqual(produced.w3c, expected.w3c, "W3C, documents of \(maxBytes)")
            XCTAssertEqual(produced.spade, expected.spade, "SPADE, chunks of \(maxBytes)")
            XCTAssertEqual(produced, expected)
        }
    }

    /// `add` says whether the node was added; a record counts once in
    /// `skipped`, even when only its relation cannot be placed.
    func testARecordWithALinkCountsOnce() throws {
        var task = try sample("task")
        task.versionLink = VersionLink(type: RL_VERSION_TASK, id: 1)
        var unplaceable = task
        unplaceable.versionLink = VersionLink(type: DM_RELATION | 1, id: 2)  // no family: built by hand only
        for var batch in [W3CBatch() as any RecordBatch, SPADEBatch()] {
            var chunks: [[UInt8]] = []
            XCTAssertTrue(batch.add(task) { chunks.append($0) })
            XCTAssertEqual(batch.skipped, 0)
            XCTAssertTrue(batch.add(unplaceable) { chunks.append($0) })
            XCTAssertEqual(batch.skipped, 1, "\(type(of: batch))")
            batch.flush { chunks.append($0) }
            let text = chunks.map(SPADE.text).joined()
            let written = try XCTUnwrap(task.impliedVersionRelation?.identifier.base64)
            let unwritten = try XCTUnwrap(unplaceable.impliedVersionRelation?.identifier.base64)
            XCTAssertTrue(text.contains(written), text)
            XCTAssertFalse(text.contains(unwritten), text)
        }
    }
}
