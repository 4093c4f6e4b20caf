import CProvenanceABI
import Foundation
import XCTest
@testable import Provenance
@testable import Serialize

final class SPADEBatchTests: XCTestCase {
    /// Many records of varied sizes.
    func records(_ count: Int) -> [Record] {
        let samples = RecordSamples.all.map(\.record)
        return (0..<count).map { i in
            var r = samples[i % samples.count]
            if case .path = r.payload {
                r.payload = .path(TextPayload(bytes: Array(String(repeating: "p", count: i * 37 % 3000).utf8)))
            }
            return r
        }
    }

    func chunks(_ records: [Record], maxBytes: Int) -> ([[UInt8]], SPADEBatch) {
        var batch = SPADEBatch(encoder: SPADEEncoder(nameCache: SPADE.sampleNames()), maxDocumentBytes: maxBytes)
        var out: [[UInt8]] = []
        for r in records { batch.add(r) { out.append($0) } }
        batch.flush { out.append($0) }
        return (out, batch)
    }

    /// Chunks are runs of whole lines, never above the limit unless one line
    /// is; together they are exactly the lines of the records, in order.
    func testChunksAreWholeLinesWithinTheLimit() throws {
        let input = records(500)
        let whole = SPADE.output(input)
        for limit in [1, 200, 1000, 8191, 65536] {
            let (chunks, batch) = chunks(input, maxBytes: limit)
            XCTAssertEqual(chunks.flatMap { $0 }, whole, "limit \(limit)")
            XCTAssertEqual(batch.documentsEmitted, UInt64(chunks.count))
            for chunk in chunks {
                XCTAssertEqual(chunk.last, 10, "chunk does not end a line")
                let lines = SPADE.lines(chunk)
                XCTAssertTrue(chunk.count <= limit || lines.count == 1,
                              "chunk of \(chunk.count) bytes, \(lines.count) lines, limit \(limit)")
                for line in lines { XCTAssertNoThrow(try OrderedJSON.parse(line)) }
            }
        }
        XCTAssertEqual(SPADE.lines(whole).count, 500)
    }

    func testFlushOfEmptyBatchEmitsNothing() {
        var batch = SPADEBatch()
        var emitted = 0
        XCTAssertTrue(batch.isEmpty)
        batch.flush { _ in emitted += 1 }
        XCTAssertEqual(emitted, 0)
        batch.add(RecordSamples.all[0].record) { _ in emitted += 1 }
        XCTAssertFalse(batch.isEmpty)
        batch.flush { _ in emitted += 1 }
        XCTAssertTrue(batch.isEmpty)
        XCTAssertEqual(emitted, 1)
        XCTAssertEqual(batch.documentsEmitted, 1)
    }

    /// The same record twice gives two lines (SPADE streams have no keys to collide).
    func testRepeatedRecordGivesRepeatedLine() throws {
        let task = try XCTUnwrap(RecordSamples.named("task"))
        let lines = SPADE.lines(SPADE.output([task, task]))
        XCTAssertEqual(lines.count, 2)
        XCTAssertEqual(lines[0], lines[1])
    }
}

/// The `RecordBatch` protocol the recorder drives: both formats through one
/// existential, with their framing.
final class RecordBatchTests: XCTestCase {
    func run(_ batch: inout any RecordBatch, _ records: [Record]) -> [[UInt8]] {
        var out: [[UInt8]] = []
        for r in records { batch.add(r) { out.append($0) } }
        batch.flush { out.append($0) }
        return out
    }

    func testFramingOfEachFormat() throws {
        XCTAssertEqual(W3CBatch.chunkFraming, .document)
        XCTAssertEqual(SPADEBatch.chunkFraming, .lines)
        let records = RecordSamples.all.map(\.record)

        var w3c: any RecordBatch = W3CBatch()
        XCTAssertEqual(w3c.chunkFraming, .document)
        let documents = run(&w3c, records)
        XCTAssertEqual(documents.count, 1)
        XCTAssertNotEqual(documents[0].last, 10, "a W3C document has no newline")
        XCTAssertNoThrow(try OrderedJSON.parse(documents[0]))

        var spade: any RecordBatch = SPADEBatch()
        XCTAssertEqual(spade.chunkFraming, .lines)
        let chunks = run(&spade, records)
        XCTAssertEqual(chunks.count, 1)
        XCTAssertEqual(SPADE.lines(chunks[0]).count, records.count)
        XCTAssertEqual(spade.documentsEmitted, 1)
        XCTAssertEqual(spade.skipped, 0)
        XCTAssertTrue(spade.isEmpty)
    }

    /// A sink can lower the chunk size through the protocol.
    func testMaxDocumentBytesIsSettable() {
        var spade: any RecordBatch = SPADEBatch()
        spade.maxDocumentBytes = 100
        let chunks = run(&spade, RecordSamples.all.map(\.record))
        XCTAssertEqual(chunks.count, RecordSamples.all.count, "every line is longer than 100 bytes")
    }
}
