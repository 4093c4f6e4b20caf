import Synchronization
import XCTest
@testable import camflow
import Sinks

/// The hand-off from a relay file's reader thread to its encoder thread.
final class ChunkQueueTests: XCTestCase {
    func testChunksComeOutInOrderWithTheirCounts() {
        let queue = ChunkQueue(capacity: 4, chunkSize: 16)
        for i in 0..<3 {
            var buffer = queue.emptyBuffer()
            XCTAssertEqual(buffer.count, 16)
            buffer[0] = UInt8(i)
            queue.push(buffer, count: i + 1)
        }
        for i in 0..<3 {
            guard case let .chunk(buffer, count) = queue.pop(timeoutMs: 0) else {
                return XCTFail("chunk \(i) missing")
            }
            XCTAssertEqual(buffer[0], UInt8(i))
            XCTAssertEqual(count, i + 1)
        }
        guard case .timeout = queue.pop(timeoutMs: 10) else { return XCTFail("empty queue must time out") }
    }

    func testCloseLetsTheEncoderTakeWhatIsLeftFirst() {
        let queue = ChunkQueue(capacity: 2, chunkSize: 8)
        queue.push(queue.emptyBuffer(), count: 5)
        queue.close()
        guard case .chunk(_, 5) = queue.pop(timeoutMs: 0) else { return XCTFail("chunk lost at close") }
        guard case .closed = queue.pop(timeoutMs: 1000) else { return XCTFail("closed queue must say so") }
    }

    func testAFullQueueHoldsTheReaderUntilTheEncoderTakesAChunk() throws {
        let queue = ChunkQueue(capacity: 2, chunkSize: 8)
        queue.push(queue.emptyBuffer(), count: 1)
        queue.push(queue.emptyBuffer(), count: 2)
        let pushed = Atomic<Bool>(false)
        let handoff = QueueBox(queue)
        let thread = try XCTUnwrap(spawnThread {
            handoff.queue.push(handoff.queue.emptyBuffer(), count: 3)
            pushed.store(true, ordering: .releasing)
        })
        usleep(300_000)
        XCTAssertFalse(pushed.load(ordering: .acquiring), "a push into a full queue must wait")
        guard case .chunk(_, 1) = queue.pop(timeoutMs: 0) else { return XCTFail("first chunk") }
        pthread_join(thread, nil)
        XCTAssertTrue(pushed.load(ordering: .acquiring))
        guard case .chunk(_, 2) = queue.pop(timeoutMs: 0) else { return XCTFail("second chunk") }
        guard case .chunk(_, 3) = queue.pop(timeoutMs: 0) else { return XCTFail("third chunk") }
    }

    func testRecycledBuffersAreReused() {
        let queue = ChunkQueue(capacity: 2, chunkSize: 8)
        var buffer = queue.emptyBuffer()
        buffer[7] = 42
        queue.recycle(buffer)
        XCTAssertEqual(queue.emptyBuffer()[7], 42)
        XCTAssertEqual(queue.emptyBuffer()[7], 0)  // the free list is empty again
    }
}

private final class QueueBox: @unchecked Sendable {
    let queue: ChunkQueue
    init(_ queue: ChunkQueue) { self.queue = queue }
}
