import CProvenanceABI
import XCTest
@testable import camflow
@testable import Provenance
import Serialize
import Sinks

/// The encoder thread's consumer counts kernel records: a node record with
/// a version link gives two elements, which one `add` may put in different
/// chunks, and still counts once in the chunks' record counts.
final class BatchConsumerTests: XCTestCase {
    /// Samples, every linkable node of them with a version link.
    func records(_ rounds: Int) throws -> [Record] {
        var list: [Record] = []
        for round in 0..<rounds {
            for (name, var record) in RecordSamples.all {
                if ["task", "inode", "proc", "machine"].contains(name) {
                    // a new version each round: no W3C id repeats within a round
                    record.element.identifier = Identifier(
                        node: record.typeWord, id: record.identifier.id, bootID: record.identifier.bootID,
                        machineID: record.identifier.machineID, version: UInt32(round + 1))
                    record.versionLink = VersionLink(type: name == "task" ? RL_VERSION_TASK : RL_VERSION,
                                                     id: UInt64(1000 + round), taskID: 4242)
                }
                list.append(record)
            }
        }
        XCTAssertEqual(list.compactMap(\.impliedVersionRelation).count, 4 * rounds)
        return list
    }

    /// Feeds `records` to a consumer of `batch` and returns what the output wrote.
    func consume<Batch: RecordBatch>(_ records: [Record], _ batch: Batch) throws -> (OutputStatistics, UInt64) {
        let pipeline = try XCTUnwrap(OutputPipeline(sink: NullSink(), linesFraming: Batch.chunkFraming == .lines,
                                                    queueBytes: 1 << 26, spool: nil, report: { _, _ in }))
        var consumer = BatchConsumer(batch: batch, output: pipeline, live: LiveCounters(), path: "test")
        for r in records { consumer.consume(r) }
        consumer.flush()
        return (pipeline.finish(waitMs: 5000), consumer.batch.documentsEmitted)
    }

    func testRecordsWithLinksCountOnceWhereverTheChunksEnd() throws {
        let input = try records(30)
        for maxBytes in [1, 300, 900, 2500, 64 * 1024, 1 << 30] {
            let (w3c, documents) = try consume(input, W3CBatch(maxDocumentBytes: maxBytes))
            XCTAssertEqual(w3c.recordsWritten, UInt64(input.count), "W3C, documents of \(maxBytes)")
            XCTAssertEqual(w3c.chunksWritten, documents)
            let (spade, chunks) = try consume(input, SPADEBatch(maxDocumentBytes: maxBytes))
            XCTAssertEqual(spade.recordsWritten, UInt64(input.count), "SPADE, chunks of \(maxBytes)")
            XCTAssertEqual(spade.chunksWritten, chunks)
        }
    }

    /// The counting rule itself: a record whose last element is still in
    /// the batch after the chunks one add emitted counts in the next chunk.
    func testCounterPutsARecordWhereItsLastElementIs() {
        var counter = ChunkCounter()
        counter.pending = 3
        // node and the documents before it emitted, relation left in the batch
        XCTAssertEqual(counter.emitted(2, added: true, batchEmpty: false), [3, 0])
        XCTAssertEqual(counter.pending, 1)
        // node and relation both emitted
        XCTAssertEqual(counter.emitted(2, added: true, batchEmpty: true), [1, 1])
        XCTAssertEqual(counter.pending, 0)
        // a record not taken counts nowhere
        counter.pending = 2
        XCTAssertEqual(counter.emitted(1, added: false, batchEmpty: false), [2])
        XCTAssertEqual(counter.pending, 0)
    }
}
