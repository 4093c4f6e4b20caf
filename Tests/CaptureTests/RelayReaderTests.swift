import CProvenanceABI
import Foundation
import XCTest
@testable import Capture
@testable import Provenance

final class RelayReaderTests: XCTestCase {
    var dir = ""

    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "camflow-relay-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: dir)
    }

    /// A FIFO stands in for a relay file; the writer end is returned.
    func makeFIFO() throws -> (RelayReader, FileHandle) {
        let path = dir + "/provenance0"
        XCTAssertEqual(mkfifo(path, 0o600), 0)
        let reader = try RelayReader(path: path)  // O_NONBLOCK: opens without a writer
        let writer = try XCTUnwrap(FileHandle(forWritingAtPath: path))
        return (reader, writer)
    }

    func drain(_ reader: RelayReader) throws -> ([Record], [DecodeError]) {
        var records: [Record] = []
        var errors: [DecodeError] = []
        while try reader.readAvailable(onRecord: { records.append($0) }, onError: { errors.append($0) }) > 0 {}
        return (records, errors)
    }

    func testRecordSplitAcrossReadsIsCompletedByTheNextRead() throws {
        let (reader, writer) = try makeFIFO()
        let samples = RecordSamples.all.map(\.record)
        let stream = samples.flatMap(RecordEncoder.encode)
        let cut = MemoryLayout<prov_relation_record>.size + 40  // inside the second record
        writer.write(Data(stream[0..<cut]))
        var (records, errors) = try drain(reader)
        XCTAssertEqual(records.count, 1)
        XCTAssertEqual(reader.pendingBytes, 40)
        writer.write(Data(stream[cut...]))
        let more = try drain(reader)
        records += more.0
        errors += more.1
        XCTAssertEqual(errors, [])
        XCTAssertEqual(records.count, samples.count)
        XCTAssertEqual(records.map(\.identifier), samples.map(\.identifier))
        XCTAssertEqual(reader.pendingBytes, 0)
        XCTAssertEqual(reader.stats.decoded, UInt64(samples.count))
        XCTAssertEqual(reader.stats.bytesRead, UInt64(stream.count))
    }

    func testByteByByteFeeding() throws {
        let path = dir + "/long_provenance0"
        let samples = RecordSamples.all.map(\.record)
        let stream = samples.flatMap(RecordEncoder.encode)
        FileManager.default.createFile(atPath: path, contents: nil)
        let reader = try RelayReader(path: path)
        let writer = try XCTUnwrap(FileHandle(forWritingAtPath: path))
        var records: [Record] = []
        for (i, byte) in stream.enumerated() {
            writer.write(Data([byte]))
            if i % 7 == 0 || i == stream.count - 1 {
                while try reader.readAvailable(onRecord: { records.append($0) }) > 0 {}
            }
        }
        XCTAssertEqual(records.count, samples.count)
    }

    func testUndecodableRecordIsSkippedBySize() throws {
        let (reader, writer) = try makeFIFO()
        var bad = RecordEncoder.encode(RecordSamples.all[0].record)
        bad.withUnsafeMutableBytes { $0.storeBytes(of: UInt16(999), toByteOffset: 4, as: UInt16.self) }
        let good = RecordEncoder.encode(RecordSamples.all[1].record)
        writer.write(Data(bad + good))
        let (records, errors) = try drain(reader)
        XCTAssertEqual(errors, [.unknownKind(999)])
        XCTAssertEqual(records.count, 1)
        XCTAssertEqual(reader.stats.undecodable, 1)
        XCTAssertEqual(reader.stats.records, 2)
    }

    func testFramingErrorDiscardsBufferAndRecovers() throws {
        let (reader, writer) = try makeFIFO()
        var bad = RecordEncoder.encode(RecordSamples.all[0].record)
        bad.withUnsafeMutableBytes { $0.storeBytes(of: UInt32(12), toByteOffset: 0, as: UInt32.self) }
        writer.write(Data(bad))
        var (records, errors) = try drain(reader)
        XCTAssertEqual(errors, [.sizeTooSmall(12)])
        XCTAssertEqual(records.count, 0)
        XCTAssertEqual(reader.stats.framingErrors, 1)
        XCTAssertEqual(reader.stats.discardedBytes, UInt64(bad.count))
        writer.write(Data(RecordEncoder.encode(RecordSamples.all[1].record)))
        (records, errors) = try drain(reader)
        XCTAssertEqual(records.count, 1)
        XCTAssertEqual(errors, [])
    }

    func testWaitReportsDataAndWakeUps() throws {
        let (reader, writer) = try makeFIFO()
        XCTAssertFalse(reader.wait(timeoutMs: 0))
        var fds: [Int32] = [0, 0]
        XCTAssertEqual(pipe(&fds), 0)
        defer { close(fds[0]); close(fds[1]) }
        var one: UInt8 = 1
        XCTAssertEqual(write(fds[1], &one, 1), 1)
        XCTAssertFalse(reader.wait(timeoutMs: 5000, wakeFD: fds[0]))  // woken, relay not readable
        writer.write(Data(RecordEncoder.encode(RecordSamples.all[0].record)))
        XCTAssertTrue(reader.wait(timeoutMs: 5000))
    }

    func testOpenErrorNamesTheFile() {
        XCTAssertThrowsError(try RelayReader(path: dir + "/nope")) { error in
            XCTAssertEqual("\(error)", "cannot open \(dir)/nope: No such file or directory")
        }
    }
}

/// The framer the recorder's encoder threads use: the same records, in
/// order, however the stream is cut into chunks.
final class RecordFramerTests: XCTestCase {
    struct Collect: RecordConsumer {
        var records: [Record] = []
        var errors: [DecodeError] = []
        mutating func consume(_ record: Record) { records.append(record) }
        mutating func failed(_ error: DecodeError) { errors.append(error) }
    }

    func testChunksCutAnywhereGiveTheSameRecords() {
        let samples = RecordSamples.all.map(\.record)
        let stream = Array((0..<20).flatMap { _ in samples.flatMap(RecordEncoder.encode) })
        for chunk in [1, 7, 100, 4096, stream.count] {
            // chunks larger than the framer's buffer too
            let (framer, collect) = frame(stream, chunk: chunk)
            XCTAssertEqual(collect.errors, [], "chunks of \(chunk)")
            XCTAssertEqual(collect.records.map(\.identifier), (0..<20).flatMap { _ in samples.map(\.identifier) },
                           "chunks of \(chunk)")
            XCTAssertEqual(framer.pendingBytes, 0)
            XCTAssertEqual(framer.stats.bytesRead, UInt64(stream.count))
            XCTAssertEqual(framer.stats.decoded, UInt64(20 * samples.count))
        }
    }

    /// Feeds `stream` to a new framer in chunks of `chunk` bytes.
    func frame(_ stream: [UInt8], chunk: Int) -> (RecordFramer, Collect) {
        let framer = RecordFramer(bufferSize: 0)
        var collect = Collect()
        var offset = 0
        while offset < stream.count {
            let end = min(stream.count, offset + chunk)
            stream[offset..<end].withUnsafeBytes { framer.consume($0, into: &collect) }
            offset = end
        }
        return (framer, collect)
    }

    func testUndecodableRecordIsSkippedBySizeWhereverTheChunksEnd() {
        let samples = RecordSamples.all.map(\.record)
        var bad = RecordEncoder.encode(samples[0])
        bad.withUnsafeMutableBytes { $0.storeBytes(of: UInt16(999), toByteOffset: 4, as: UInt16.self) }
        let stream = RecordEncoder.encode(samples[1]) + bad + RecordEncoder.encode(samples[2])
        for chunk in [1, 5, 9, 64, stream.count] {
            let (framer, collect) = frame(stream, chunk: chunk)
            XCTAssertEqual(collect.errors, [.unknownKind(999)], "chunks of \(chunk)")
            XCTAssertEqual(collect.records.map(\.identifier), [samples[1].identifier, samples[2].identifier],
                           "chunks of \(chunk)")
            XCTAssertEqual(framer.stats.records, 3)
            XCTAssertEqual(framer.stats.undecodable, 1)
            XCTAssertEqual(framer.pendingBytes, 0)
        }
    }

    /// Versioned nodes (ABI 2) cut anywhere, in the link too, decode with
    /// their links; a refused link skips that record only.
    func testVersionedRecordsCutAnywhere() throws {
        var task = try XCTUnwrap(RecordSamples.named("task"))
        task.versionLink = VersionLink(type: RL_VERSION_TASK, id: 10, taskID: 4242)
        var inode = try XCTUnwrap(RecordSamples.named("inode"))
        inode.versionLink = VersionLink(type: RL_VERSION, id: 11)
        var refused = inode
        refused.versionLink = VersionLink(type: RL_READ, id: 12)
        let relation = try XCTUnwrap(RecordSamples.named("relation"))
        let stream = [task, relation, refused, inode].flatMap(RecordEncoder.encode)
        for chunk in [1, 5, 8, 20, 100, stream.count] {
            let (framer, collect) = frame(stream + stream, chunk: chunk)
            let error = DecodeError.badVersionLink(kind: .inode, problem: .wrongType(RL_READ))
            XCTAssertEqual(collect.errors, [error, error], "chunks of \(chunk)")
            let links = [task.versionLink, nil, inode.versionLink]
            XCTAssertEqual(collect.records.map(\.versionLink), links + links, "chunks of \(chunk)")
            let ids = [task, relation, inode].map(\.identifier)
            XCTAssertEqual(collect.records.map(\.identifier), ids + ids, "chunks of \(chunk)")
            XCTAssertEqual(framer.stats.records, 8)
            XCTAssertEqual(framer.stats.decoded, 6)
            XCTAssertEqual(framer.stats.undecodable, 2)
            XCTAssertEqual(framer.stats.framingErrors, 0)
            XCTAssertEqual(framer.pendingBytes, 0)
        }
    }

    func testBadSizeDiscardsTheRestOfTheChunkOnly() {
        let samples = RecordSamples.all.map(\.record)
        let first = RecordEncoder.encode(samples[0])
        var bad = RecordEncoder.encode(samples[1])
        bad.withUnsafeMutableBytes { $0.storeBytes(of: UInt32(12), toByteOffset: 0, as: UInt32.self) }
        let after = RecordEncoder.encode(samples[2])
        let framer = RecordFramer(bufferSize: 0)
        var collect = Collect()
        // one chunk: a good record, then a bad size and what follows it
        (first + bad + after).withUnsafeBytes { framer.consume($0, into: &collect) }
        XCTAssertEqual(collect.errors, [.sizeTooSmall(12)])
        XCTAssertEqual(collect.records.map(\.identifier), [samples[0].identifier])
        XCTAssertEqual(framer.stats.framingErrors, 1)
        XCTAssertEqual(framer.stats.discardedBytes, UInt64(bad.count + after.count))
        XCTAssertEqual(framer.pendingBytes, 0)
        // the next chunk starts at a record again: framed as usual
        after.withUnsafeBytes { framer.consume($0, into: &collect) }
        XCTAssertEqual(collect.records.map(\.identifier), [samples[0].identifier, samples[2].identifier])
        XCTAssertEqual(framer.stats.bytesRead, UInt64(first.count + bad.count + 2 * after.count))
    }

    func testBadSizeInARecordCutByTheChunkEnd() {
        let samples = RecordSamples.all.map(\.record)
        var bad = RecordEncoder.encode(samples[1])
        bad.withUnsafeMutableBytes { $0.storeBytes(of: UInt32(1 << 30), toByteOffset: 0, as: UInt32.self) }
        let good = RecordEncoder.encode(samples[0])
        let framer = RecordFramer(bufferSize: 0)
        var collect = Collect()
        // the bad header arrives in two chunks, then its body and a good record
        (good + bad[0..<3]).withUnsafeBytes { framer.consume($0, into: &collect) }
        XCTAssertEqual(framer.pendingBytes, 3)
        bad[3...].withUnsafeBytes { framer.consume($0, into: &collect) }
        XCTAssertEqual(collect.errors, [.sizeTooLarge(1 << 30)])
        XCTAssertEqual(framer.stats.framingErrors, 1)
        XCTAssertEqual(framer.pendingBytes, 0)
        good.withUnsafeBytes { framer.consume($0, into: &collect) }
        XCTAssertEqual(collect.records.map(\.identifier), [samples[0].identifier, samples[0].identifier])
        XCTAssertEqual(framer.stats.discardedBytes, UInt64(bad.count))
    }
}
