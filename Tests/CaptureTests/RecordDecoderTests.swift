import CProvenanceABI
import XCTest
@testable import Capture
@testable import Provenance

final class RecordDecoderTests: XCTestCase {
    func decode(_ bytes: [UInt8]) throws -> Record {
        try bytes.withUnsafeBytes { try RecordDecoder.decode($0) }
    }

    func expectError(_ bytes: [UInt8], _ expected: DecodeError, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try decode(bytes), file: file, line: line) { error in
            XCTAssertEqual(error as? DecodeError, expected, file: file, line: line)
        }
    }

    /// Every kind survives encode → decode unchanged (except the size, which the encoder sets).
    func testEverySampleKindRoundTrips() throws {
        var kinds = Set<String>()
        for (name, sample) in RecordSamples.all {
            let bytes = RecordEncoder.encode(sample)
            XCTAssertEqual(bytes.count % 8, 0, name)
            var decoded = try decode(bytes)
            XCTAssertEqual(Int(decoded.header.size), bytes.count, name)
            decoded.header.size = sample.header.size
            XCTAssertEqual(decoded, sample, name)
            kinds.insert("\(decoded.kind)")
        }
        XCTAssertEqual(kinds.count, RecordKind.allCases.count, "a record kind has no sample")
    }

    /// Fields read from a record built by hand from the C struct land where they should.
    func testRelationFieldsFromCStruct() throws {
        var r = prov_relation_record()
        r.hdr.size = UInt32(MemoryLayout<prov_relation_record>.size)
        r.hdr.kind = UInt16(PROV_KIND_RELATION.rawValue)
        r.hdr.abi_version = UInt8(PROV_ABI_VERSION)
        r.hdr.flags = UInt8(PROV_RECORD_REPLAYED)
        r.hdr.time_ns = 77
        r.elt.identifier.relation.type = RL_WRITE
        r.elt.identifier.relation.id = 12
        r.elt.epoch = 5
        r.elt.jiffies = 1000
        r.elt.taint = 0xF0
        r.snd.node.id = 1
        r.rcv.node.id = 2
        r.offset = -3
        r.flags = 0x40
        r.task_id = 9
        r.allowed = 0
        r.has_offset = 1
        let record = try decode(withUnsafeBytes(of: r) { Array($0) })
        XCTAssertEqual(record.header.timeNs, 77)
        XCTAssertEqual(record.header.flags, UInt8(PROV_RECORD_REPLAYED))
        XCTAssertEqual(record.typeWord, RL_WRITE)
        XCTAssertEqual(record.identifier.id, 12)
        XCTAssertEqual(record.element.epoch, 5)
        XCTAssertEqual(record.element.jiffies, 1000)
        XCTAssertEqual(record.element.taint, 0xF0)
        guard case let .relation(info) = record.payload else { return XCTFail("not a relation") }
        XCTAssertEqual(info.sender.id, 1)
        XCTAssertEqual(info.receiver.id, 2)
        XCTAssertEqual(info.offset, -3)
        XCTAssertEqual(info.flags, 0x40)
        XCTAssertEqual(info.taskID, 9)
        XCTAssertFalse(info.allowed)
        XCTAssertTrue(info.hasOffset)
    }

    func testTaskFieldsFromCStruct() throws {
        var r = prov_task_record()
        r.hdr.size = UInt32(MemoryLayout<prov_task_record>.size)
        r.hdr.kind = UInt16(PROV_KIND_TASK.rawValue)
        r.hdr.abi_version = UInt8(PROV_ABI_VERSION)
        r.node.uid = 1000
        r.node.secid = 7
        r.node.name_id.node.type = ENT_PATH
        r.pid = 11
        r.vpid = 12
        r.cancel_wbytes = 13
        r.cgroupns = 14
        let record = try decode(withUnsafeBytes(of: r) { Array($0) })
        XCTAssertEqual(record.node.uid, 1000)
        XCTAssertEqual(record.node.secid, 7)
        XCTAssertEqual(record.node.nameID.type, ENT_PATH)
        guard case let .task(t) = record.payload else { return XCTFail("not a task") }
        XCTAssertEqual(t.pid, 11)
        XCTAssertEqual(t.vpid, 12)
        XCTAssertEqual(t.cancelWbytes, 13)
        XCTAssertEqual(t.cgroupns, 14)
    }

    func testPayloadTruncationFlag() throws {
        let sample = try XCTUnwrap(RecordSamples.named("packet_content"))
        let record = try decode(RecordEncoder.encode(sample))
        guard case let .packetContent(c) = record.payload else { return XCTFail("wrong kind") }
        XCTAssertTrue(c.truncated)
        XCTAssertEqual(c.bytes.count, 5)
    }

    // MARK: - Bad input

    func header(size: UInt32, kind: UInt16 = UInt16(PROV_KIND_TASK.rawValue),
                abi: UInt8 = UInt8(PROV_ABI_VERSION)) -> [UInt8] {
        var h = prov_record_header()
        h.size = size
        h.kind = kind
        h.abi_version = abi
        return withUnsafeBytes(of: h) { Array($0) }
    }

    func testTruncatedHeader() {
        expectError([1, 2, 3], .truncatedHeader(available: 3))
        expectError([], .truncatedHeader(available: 0))
    }

    func testBadSizes() {
        expectError(header(size: 8), .sizeTooSmall(8))
        expectError(header(size: 0), .sizeTooSmall(0))
        expectError(header(size: 17) + [UInt8](repeating: 0, count: 8), .sizeMisaligned(17))
        expectError(header(size: 8200) + [UInt8](repeating: 0, count: 8200), .sizeTooLarge(8200))
        expectError(header(size: 64), .sizeBeyondBuffer(size: 64, available: 16))
    }

    func testUnknownKindAndWrongABI() {
        expectError(header(size: 16, kind: 0), .unknownKind(0))
        expectError(header(size: 16, kind: 999), .unknownKind(999))
        expectError(header(size: 16, abi: 0), .wrongABIVersion(0))
        expectError(header(size: 16, abi: 3), .wrongABIVersion(3))
        XCTAssertEqual(DecodeError.wrongABIVersion(3).description, "ABI version 3, expected 1 to 2")
        XCTAssertFalse(DecodeError.wrongABIVersion(3).breaksFraming)
    }

    func testRecordTooShortForItsKind() {
        let size = MemoryLayout<prov_task_record>.size
        expectError(header(size: 64) + [UInt8](repeating: 0, count: 48),
                    .tooShortForKind(kind: .task, size: 64, needed: size))
    }

    func testPayloadLengthBeyondRecord() throws {
        var bytes = RecordEncoder.encode(try XCTUnwrap(RecordSamples.named("path")))
        let lengthOffset = MemoryLayout<prov_payload_record>.size - 8  // length, original_length
        bytes.withUnsafeMutableBytes { $0.storeBytes(of: UInt32(5000), toByteOffset: lengthOffset, as: UInt32.self) }
        let room = bytes.count - MemoryLayout<prov_payload_record>.size
        expectError(bytes, .payloadBeyondRecord(kind: .path, length: 5000, room: room))

        var xattr = RecordEncoder.encode(try XCTUnwrap(RecordSamples.named("xattr")))
        let valueLengthOffset = MemoryLayout<prov_xattr_record>.size - 12
        xattr.withUnsafeMutableBytes { $0.storeBytes(of: UInt32(4000), toByteOffset: valueLengthOffset, as: UInt32.self) }
        XCTAssertThrowsError(try decode(xattr)) { error in
            guard case .payloadBeyondRecord(kind: .xattr, _, _)? = error as? DecodeError else {
                return XCTFail("unexpected \(error)")
            }
        }
    }

    /// Random bytes and random mutations of valid records never crash the decoder.
    func testGarbageNeverCrashes() {
        var generator = SystemRandomNumberGenerator()
        var rejected = 0
        let samples = RecordSamples.all.map { RecordEncoder.encode($0.record) }
        for round in 0..<20_000 {
            var bytes: [UInt8]
            if round % 2 == 0 {
                bytes = (0..<Int.random(in: 0...300, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            } else {
                bytes = samples[round / 2 % samples.count]
                for _ in 0..<3 {
                    let i = Int.random(in: 0..<bytes.count, using: &generator)
                    bytes[i] = UInt8.random(in: 0...255, using: &generator)
                }
            }
            do { _ = try decode(bytes) } catch { rejected += 1 }
        }
        XCTAssertGreaterThan(rejected, 9000)  // nearly every random buffer is refused
    }
}
