import Foundation
import Glibc
import TestSupport
import XCTest
@testable import Sinks

/// Chunks submitted without waking the writer (the readers' full chunks)
/// reach the log once the reader wakes it, once enough is queued, or at
/// the latest on the writer's own timer; nothing is lost or reordered.
final class OutputPipelineWakeTests: XCTestCase {
    func lines(_ path: String) -> [String] {
        ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    func pipeline(_ dir: TempDir, queueBytes: Int = 1 << 24) throws -> (OutputPipeline, String) {
        let path = dir.path + "/out.log"
        let sink = try LogSink(path: path)
        let messages = Messages()
        let pipeline = try XCTUnwrap(OutputPipeline(sink: sink, linesFraming: false, queueBytes: queueBytes,
                                                    spool: nil, report: messages.reporter))
        return (pipeline, path)
    }

    func testQuietChunksAreWrittenWhenTheReaderWakesTheWriter() throws {
        let dir = try TempDir()
        let (pipeline, path) = try pipeline(dir)
        usleep(1_200_000)  // the writer is idle and waiting
        for i in 0..<5 { pipeline.submit(w3cDocument(i * 10, elements: 10), records: 10, wake: false) }
        pipeline.wakeWriter()
        let start = Date()
        XCTAssertTrue(waitUntil(5) { lines(path).count == 5 })
        XCTAssertLessThan(Date().timeIntervalSince(start), 0.8, "woken writer took as long as its timer")
        let stats = pipeline.finish(waitMs: 1000)
        XCTAssertEqual(stats.recordsWritten, 50)
        XCTAssertEqual(try lines(path).flatMap { try elementNumbers(Array($0.utf8)) }, Array(0..<50))
    }

    func testQuietChunksAreWrittenOnTheWritersTimerAtTheLatest() throws {
        let dir = try TempDir()
        let (pipeline, path) = try pipeline(dir)
        pipeline.submit(w3cDocument(0, elements: 3), records: 3, wake: false)
        XCTAssertTrue(waitUntil(3) { lines(path).count == 1 }, "a quiet chunk was never written")
        XCTAssertEqual(pipeline.finish(waitMs: 1000).recordsWritten, 3)
    }

    func testQueuedBytesWakeTheWriter() throws {
        let dir = try TempDir()
        // queue 64 KiB: the writer is woken at a quarter of it.
        let (pipeline, path) = try pipeline(dir, queueBytes: 64 * 1024)
        usleep(1_200_000)
        let chunk = w3cDocument(0, elements: 1, padding: 20_000)
        let start = Date()
        pipeline.submit(chunk, records: 1, wake: false)
        XCTAssertTrue(waitUntil(5) { lines(path).count == 1 })
        XCTAssertLessThan(Date().timeIntervalSince(start), 0.8)
        XCTAssertEqual(pipeline.finish(waitMs: 1000).recordsWritten, 1)
    }
}
