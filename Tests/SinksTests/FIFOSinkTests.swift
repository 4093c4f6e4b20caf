import Foundation
import Glibc
import TestSupport
import XCTest
@testable import Sinks

/// `output=fifo` against real named pipes and readers that come and go.
final class FIFOSinkTests: XCTestCase {
    /// Reads one byte at a time (so nothing beyond the chunks it takes is
    /// consumed) until `count` NUL-terminated chunks were read or EOF.
    func readChunks(_ fd: Int32, count: Int) -> [[UInt8]] {
        var chunks: [[UInt8]] = []
        var current: [UInt8] = []
        var byte: UInt8 = 0
        while chunks.count < count {
            let n = read(fd, &byte, 1)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            if byte == 0 {
                chunks.append(current)
                current = []
            } else {
                current.append(byte)
            }
        }
        return chunks
    }

    func testReaderThatLeavesAndComesBackGetsEveryChunkOnce() throws {
        let dir = try TempDir()
        let path = dir.path + "/pipe"
        let messages = Messages()
        let sink = try FIFOSink(path: path)
        var st = stat()
        XCTAssertEqual(lstat(path, &st), 0)
        XCTAssertEqual(st.st_mode & S_IFMT, S_IFIFO)
        let pipeline = try XCTUnwrap(OutputPipeline(sink: sink, linesFraming: false, queueBytes: 1 << 20,
                                                    spool: nil, report: messages.reporter))
        // 200 documents of ~3 KiB: much more than a pipe holds
        let total = 200
        for i in 0..<total { pipeline.submit(w3cDocument(i * 10, elements: 10, padding: 200), records: 10) }

        var received: [Int] = []
        for round in 0..<4 {
            let fd = open(path, O_RDONLY)
            XCTAssertGreaterThanOrEqual(fd, 0)
            let want = round == 3 ? total - received.count / 10 : 30
            for chunk in readChunks(fd, count: want) { received += try elementNumbers(chunk) }
            close(fd)  // the reader goes away in the middle of the stream
            usleep(100_000)
        }
        let stats = pipeline.finish(waitMs: 1000)
        XCTAssertEqual(received, Array(0..<(total * 10)), "every record once, in order")
        XCTAssertEqual(stats.chunksWritten, UInt64(total))
        XCTAssertEqual(stats.recordsWritten, UInt64(total * 10))
        XCTAssertEqual(stats.chunksDropped, 0)
        XCTAssertGreaterThan(total * 3000, 4 * 65536, "the stream must not fit in the pipe")
    }

    func testFlushWaitsForTheReaderAndReportsWhatNobodyRead() throws {
        let dir = try TempDir()
        let path = dir.path + "/pipe"
        let sink = try FIFOSink(path: path)
        sink.drainWaitMs = 300
        try sink.write(Array("{\"a\":1}".utf8))
        XCTAssertThrowsError(try sink.flush()) { error in
            XCTAssertEqual("\(error)", "fifo \(path): 8 bytes were not read by any reader and are lost")
        }
        let reader = open(path, O_RDONLY | O_NONBLOCK)
        defer { close(reader) }
        var buffer = [UInt8](repeating: 0, count: 16)
        XCTAssertEqual(read(reader, &buffer, 16), 8)
        XCTAssertNoThrow(try sink.flush())
        sink.close()
    }

    func testExistingFIFOIsReusedAndOtherFilesRefused() throws {
        let dir = try TempDir()
        let path = dir.path + "/pipe"
        XCTAssertEqual(mkfifo(path, 0o600), 0)
        let sink = try FIFOSink(path: path)
        let reader = open(path, O_RDONLY | O_NONBLOCK)
        try sink.write(Array("{}".utf8))
        var buffer = [UInt8](repeating: 0xff, count: 8)
        XCTAssertEqual(read(reader, &buffer, 8), 3)
        XCTAssertEqual(Array(buffer[0..<3]), [UInt8(ascii: "{"), UInt8(ascii: "}"), 0])
        close(reader)
        sink.close()

        let file = dir.path + "/plain"
        FileManager.default.createFile(atPath: file, contents: Data())
        XCTAssertThrowsError(try FIFOSink(path: file)) { error in
            XCTAssertEqual("\(error)", "cannot use FIFO \(file): exists and is not a FIFO")
        }
        XCTAssertThrowsError(try FIFOSink(path: dir.path + "/no/dir/pipe")) { error in
            XCTAssertEqual("\(error)", "cannot create FIFO \(dir.path)/no/dir/pipe: No such file or directory")
        }
    }
}
