import Foundation
import Glibc
import TestSupport
import XCTest
@testable import Sinks

/// `output=unix` against a real datagram listener.
final class UnixSocketSinkTests: XCTestCase {
    /// A bound SOCK_DGRAM socket at `path`.
    func listen(_ path: String, receiveBuffer: Int32? = nil) throws -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        XCTAssertGreaterThanOrEqual(fd, 0)
        if var size = receiveBuffer {
            setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in
            for (i, b) in path.utf8.enumerated() { raw[i] = b }
        }
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        XCTAssertEqual(rc, 0, String(cString: strerror(errno)))
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        return fd
    }

    func receive(_ fd: Int32) -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        let n = recv(fd, &buffer, buffer.count, 0)
        return n < 0 ? nil : Array(buffer[0..<n])
    }

    func testDatagramsCarryChunkAndNul() throws {
        let dir = try TempDir()
        let path = dir.path + "/listener.sock"
        let listener = try listen(path)
        defer { close(listener) }
        let sink = try UnixSocketSink(address: path)
        try sink.write(Array("{\"a\":1}".utf8))
        try sink.write(Array("{\"b\":2}\n".utf8))
        XCTAssertEqual(receive(listener), Array("{\"a\":1}\0".utf8))
        XCTAssertEqual(receive(listener), Array("{\"b\":2}\n\0".utf8))
    }

    func testTooLargeDatagramsAreSplitIntoValidDocuments() throws {
        let dir = try TempDir()
        let path = dir.path + "/listener.sock"
        let listener = try listen(path, receiveBuffer: 1 << 20)
        defer { close(listener) }
        // a small send buffer makes the kernel refuse large datagrams (EMSGSIZE)
        let sink = try UnixSocketSink(address: path, sendBufferBytes: 4096)
        let messages = Messages()
        let pipeline = try XCTUnwrap(OutputPipeline(sink: sink, linesFraming: false, queueBytes: 1 << 20,
                                                    spool: nil, report: messages.reporter))
        let document = w3cDocument(0, elements: 160, padding: 200)  // ~40 KiB
        pipeline.submit(document, records: 160)
        var received: [Int] = []
        var datagrams = 0
        while received.count < 160, let datagram = receive(listener) {
            datagrams += 1
            XCTAssertEqual(datagram.last, 0)
            XCTAssertLessThan(datagram.count, document.count / 2)
            received += try elementNumbers(Array(datagram.dropLast()))
        }
        let stats = pipeline.finish(waitMs: 1000)
        XCTAssertEqual(received.sorted(), Array(0..<160))
        XCTAssertGreaterThan(datagrams, 2)
        XCTAssertEqual(stats.recordsWritten, 160)
        XCTAssertEqual(stats.chunksDropped, 0)
    }

    func testSpadeChunksAreSplitAtLines() throws {
        let lines = (0..<6).map { "{\"type\":\"Entity\",\"id\":\"\($0)\"}\n" }.joined()
        let pieces = try XCTUnwrap(ChunkSplitter.split(Array(lines.utf8), lines: true))
        XCTAssertEqual(pieces.map(\.elements), [3, 3])
        XCTAssertEqual(pieces.flatMap(\.bytes), Array(lines.utf8))
        XCTAssertTrue(pieces.allSatisfy { $0.bytes.last == 10 })
        XCTAssertNil(ChunkSplitter.split(Array("{\"one\":1}\n".utf8), lines: true))
        XCTAssertNil(ChunkSplitter.split(w3cDocument(0, elements: 1), lines: false))
    }

    func testW3CSplitKeepsSectionsAndEscapes() throws {
        let doc = #"{"prefix":{"prov" : "http://www.w3.org/ns/prov", "cf":"http://www.camflow.org"}, "activity":{"cf:a":{"x":"}\"{"}}, "entity":{"cf:b":{"y":1},"cf:c":{"z":[1,{"w":2}]}}, "used":{"cf:d":{"prov:entity":"cf:b"}}}"#
        let pieces = try XCTUnwrap(ChunkSplitter.split(Array(doc.utf8), lines: false))
        XCTAssertEqual(pieces.map(\.elements), [2, 2])
        var keys: [String: [String]] = [:]
        for piece in pieces {
            let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(piece.bytes)) as? [String: Any])
            XCTAssertNotNil(json["prefix"])
            for (section, value) in json where section != "prefix" {
                keys[section, default: []] += (value as? [String: Any] ?? [:]).keys
            }
        }
        XCTAssertEqual(keys.mapValues { $0.sorted() }, ["activity": ["cf:a"], "entity": ["cf:b", "cf:c"], "used": ["cf:d"]])
    }

    func testListenerAwayIsRetriedUntilItComes() throws {
        let dir = try TempDir()
        let path = dir.path + "/listener.sock"
        let messages = Messages()
        let pipeline = try XCTUnwrap(OutputPipeline(sink: try UnixSocketSink(address: path), linesFraming: false,
                                                    queueBytes: 1 << 20, spool: nil, report: messages.reporter))
        for i in 0..<5 { pipeline.submit(w3cDocument(i, elements: 1), records: 1) }
        XCTAssertTrue(waitUntil { pipeline.statistics.retries > 0 })
        XCTAssertTrue(messages.all.contains { $0.hasPrefix("error: cannot connect to unix socket \(path): No such file or directory") },
                      "\(messages.all)")
        let listener = try listen(path)
        defer { close(listener) }
        var received: [Int] = []
        while received.count < 5, let datagram = receive(listener) { received += try elementNumbers(Array(datagram.dropLast())) }
        let stats = pipeline.finish(waitMs: 1000)
        XCTAssertEqual(received, [0, 1, 2, 3, 4])
        XCTAssertEqual(stats.recordsWritten, 5)
    }
}
