import Foundation
import Glibc
import TestSupport
import XCTest
@testable import Sinks

/// A sink that takes chunks only while `open` is set (a stand-in for an
/// output that goes away); records what it delivered.
final class GateSink: Sink, @unchecked Sendable {
    let name = "gate"
    private let lock = NSLock()
    private var isOpen: Bool
    private var chunks: [[UInt8]] = []
    init(open: Bool) { isOpen = open }
    var open: Bool {
        get { lock.withLock { isOpen } }
        set { lock.withLock { isOpen = newValue } }
    }
    var delivered: [[UInt8]] { lock.withLock { chunks } }
    func write(_ chunk: UnsafeRawBufferPointer, progress: inout Int) throws {
        try lock.withLock {
            guard isOpen else { throw SinkError(.retry, "gate closed") }
            chunks.append(Array(chunk))
            progress = chunk.count
        }
    }
    func flush() throws {}
    func reopen() throws {}
    func close() {}
}

final class SpoolTests: XCTestCase {
    func testAppendNextPrependAndReopen() throws {
        let dir = try TempDir()
        let spool = try Spool(directory: dir.path + "/spool", maxBytes: 1 << 20)
        for i in 0..<3 { XCTAssertTrue(try [UInt8(i)].withUnsafeBytes { try spool.append($0, records: i) }) }
        try spool.prepend([([9], 9)])
        XCTAssertEqual(spool.pendingChunks, 4)
        XCTAssertEqual(spool.next()?.bytes, [9])
        XCTAssertEqual(spool.next()?.records, 0)
        // a new run finds what is left, in order
        let again = try Spool(directory: dir.path + "/spool", maxBytes: 1 << 20)
        XCTAssertEqual(again.pendingChunks, 2)
        let rest = [again.next(), again.next(), again.next()]
        XCTAssertEqual(rest.map { $0?.bytes }, [[1], [2], nil])
        XCTAssertTrue(again.isEmpty)
    }

    func testBoundIsKept() throws {
        let dir = try TempDir()
        let spool = try Spool(directory: dir.path, maxBytes: 100)
        let chunk = [UInt8](repeating: 1, count: 40)
        XCTAssertTrue(try chunk.withUnsafeBytes { try spool.append($0, records: 1) })
        XCTAssertTrue(try chunk.withUnsafeBytes { try spool.append($0, records: 1) })
        XCTAssertFalse(try chunk.withUnsafeBytes { try spool.append($0, records: 1) })
        XCTAssertEqual(spool.pendingBytes, 96)
    }

    func testOutageGoesToTheSpoolAndComesBackInOrder() throws {
        let dir = try TempDir()
        let gate = GateSink(open: false)
        let spool = try Spool(directory: dir.path + "/spool", maxBytes: 1 << 20)
        let messages = Messages()
        let pipeline = try XCTUnwrap(OutputPipeline(sink: gate, linesFraming: false, queueBytes: 1 << 20,
                                                    spool: spool, report: messages.reporter))
        pipeline.submit([0], records: 1)
        XCTAssertTrue(waitUntil { pipeline.statistics.retries > 0 })
        for i in 1..<50 { pipeline.submit([UInt8(i)], records: 1) }
        XCTAssertEqual(pipeline.statistics.spoolChunks, 49, "chunks during the outage are on disk")
        XCTAssertFalse(try FileManager.default.contentsOfDirectory(atPath: dir.path + "/spool").isEmpty)
        gate.open = true
        XCTAssertTrue(waitUntil { gate.delivered.count == 50 })
        let stats = pipeline.finish(waitMs: 1000)
        XCTAssertEqual(gate.delivered, (0..<50).map { [UInt8($0)] })
        XCTAssertEqual(stats.recordsWritten, 50)
        XCTAssertEqual(stats.chunksSpooled, 49)
        XCTAssertEqual(stats.spoolChunks, 0)
        XCTAssertTrue(messages.all.contains("gate takes data again after 0 s") || messages.all.contains { $0.hasPrefix("gate takes data again") })
    }

    func testShutdownDuringOutageKeepsEverythingForTheNextRun() throws {
        let dir = try TempDir()
        let gate = GateSink(open: false)
        let pipeline = try XCTUnwrap(OutputPipeline(sink: gate, linesFraming: false, queueBytes: 1 << 20,
                                                    spool: try Spool(directory: dir.path, maxBytes: 1 << 20),
                                                    report: Messages().reporter))
        for i in 0..<10 { pipeline.submit([UInt8(i)], records: 2) }
        let stats = pipeline.finish(waitMs: 300)
        XCTAssertEqual(stats.recordsDropped, 0)
        XCTAssertEqual(stats.spoolChunks, 10)
        // the next run delivers them first, then new chunks
        let next = GateSink(open: true)
        let again = try XCTUnwrap(OutputPipeline(sink: next, linesFraming: false, queueBytes: 1 << 20,
                                                 spool: try Spool(directory: dir.path, maxBytes: 1 << 20),
                                                 report: Messages().reporter))
        again.submit([10], records: 2)
        let after = again.finish(waitMs: 1000)
        XCTAssertEqual(next.delivered, (0...10).map { [UInt8($0)] })
        XCTAssertEqual(after.recordsWritten, 22)
    }

    func testSlowOutputAtShutdownLeavesTheRestInTheSpool() throws {
        let dir = try TempDir()
        final class SlowSink: Sink, @unchecked Sendable {
            let name = "slow"
            var written = 0
            func write(_ chunk: UnsafeRawBufferPointer, progress: inout Int) throws {
                usleep(50_000)
                written += 1
                progress = chunk.count
            }
            func flush() throws {}
            func reopen() throws {}
            func close() {}
        }
        let slow = SlowSink()
        let pipeline = try XCTUnwrap(OutputPipeline(sink: slow, linesFraming: false, queueBytes: 1 << 20,
                                                    spool: try Spool(directory: dir.path, maxBytes: 1 << 20),
                                                    report: Messages().reporter))
        for i in 0..<100 { pipeline.submit([UInt8(i)], records: 1) }
        let stats = pipeline.finish(waitMs: 300)
        XCTAssertLessThan(stats.recordsWritten, 50)
        XCTAssertEqual(Int(stats.recordsWritten) + stats.spoolChunks, 100, "written + spooled must be everything")
        XCTAssertEqual(stats.recordsDropped, 0)
        let next = try Spool(directory: dir.path, maxBytes: 1 << 20)
        XCTAssertEqual(next.next()?.bytes, [UInt8(stats.recordsWritten)], "the spool continues where delivery stopped")
    }

    func testWithoutSpoolAFullQueueDropsAndCounts() throws {
        let gate = GateSink(open: false)
        let messages = Messages()
        let pipeline = try XCTUnwrap(OutputPipeline(sink: gate, linesFraming: false, queueBytes: 1000,
                                                    spool: nil, report: messages.reporter))
        for _ in 0..<30 { pipeline.submit([UInt8](repeating: 7, count: 100), records: 3) }
        let stats = pipeline.finish(waitMs: 200)
        XCTAssertEqual(stats.recordsWritten, 0)
        XCTAssertEqual(stats.recordsDropped, 90, "every record is either written or counted as dropped")
        XCTAssertTrue(messages.all.contains { $0.contains("output queue full (1000 bytes) while gate is not taking data") }, "\(messages.all)")
        XCTAssertTrue(messages.all.contains { $0.contains("gate still not taking data at exit") }, "\(messages.all)")
    }
}
