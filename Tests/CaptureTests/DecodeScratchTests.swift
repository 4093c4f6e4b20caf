import CProvenanceABI
import XCTest
@testable import Capture
@testable import Provenance

/// The reader decodes text payloads into reused arrays; records kept by a
/// consumer must still own their bytes.
final class DecodeScratchTests: XCTestCase {
    func pathRecord(_ text: String, id: UInt64) -> Record {
        Record(element: Element(identifier: Identifier(node: ENT_PATH, id: id, bootID: 1, machineID: 2, version: 0)),
               payload: .path(TextPayload(bytes: Array(text.utf8))))
    }

    func text(_ record: Record) -> String? {
        if case let .path(p) = record.payload { return String(decoding: p.bytes, as: UTF8.self) }
        if case let .xattr(x) = record.payload {
            return String(decoding: x.name, as: UTF8.self) + "=" + String(decoding: x.value, as: UTF8.self)
        }
        return nil
    }

    /// Records decoded with one scratch and kept keep their own text, even
    /// when later (shorter and longer) records reuse the scratch.
    func testKeptRecordsKeepTheirBytes() throws {
        let texts = ["/usr/bin/wget", "/a", String(repeating: "x/", count: 900), "/etc/passwd", ""]
        var scratch = DecodeScratch()
        var kept: [Record] = []
        for (i, t) in texts.enumerated() {
            let bytes = RecordEncoder.encode(pathRecord(t, id: UInt64(i + 1)))
            kept.append(try bytes.withUnsafeBytes { try RecordDecoder.decode($0, scratch: &scratch) })
        }
        XCTAssertEqual(kept.map(text), texts.map { Optional($0) })
    }

    /// A record dropped before the next one is decoded lets the scratch be
    /// reused in place, and the next record still gets exactly its bytes.
    func testDroppedRecordsReuseTheScratch() throws {
        var scratch = DecodeScratch()
        for t in ["/long/path/name/one", "/b", "/c/d/e"] {
            let bytes = RecordEncoder.encode(pathRecord(t, id: 9))
            let r = try bytes.withUnsafeBytes { try RecordDecoder.decode($0, scratch: &scratch) }
            XCTAssertEqual(text(r), t)
        }
    }

    /// Xattr name and value come from two scratch arrays: neither overwrites the other.
    func testXattrNameAndValueAreDistinct() throws {
        var r = Record(element: Element(identifier: Identifier(node: ENT_XATTR, id: 5, bootID: 1, machineID: 2, version: 0)),
                       payload: .xattr(XattrInfo(name: Array("security.selinux".utf8), value: Array("v1".utf8))))
        var scratch = DecodeScratch()
        let first = try RecordEncoder.encode(r).withUnsafeBytes { try RecordDecoder.decode($0, scratch: &scratch) }
        r.payload = .xattr(XattrInfo(name: Array("user.x".utf8), value: Array("a longer value".utf8)))
        let second = try RecordEncoder.encode(r).withUnsafeBytes { try RecordDecoder.decode($0, scratch: &scratch) }
        XCTAssertEqual(text(first), "security.selinux=v1")
        XCTAssertEqual(text(second), "user.x=a longer value")
    }

    /// The relay reader hands records to a consumer value; kept records stay intact.
    func testReaderIntoConsumerKeepsRecords() throws {
        struct Collect: RecordConsumer {
            var records: [Record] = []
            var errors: [DecodeError] = []
            mutating func consume(_ record: Record) { records.append(record) }
            mutating func failed(_ error: DecodeError) { errors.append(error) }
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("scratch-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let texts = (0..<300).map { "/path/\($0)/" + String(repeating: "n", count: $0 % 120) }
        let file = dir.appendingPathComponent("provenance0")
        try Data(texts.enumerated().flatMap { RecordEncoder.encode(pathRecord($1, id: UInt64($0))) }).write(to: file)
        let reader = try RelayReader(path: file.path)
        var collect = Collect()
        while try reader.readAvailable(into: &collect) > 0 {}
        XCTAssertEqual(collect.errors, [])
        XCTAssertEqual(collect.records.map(text), texts.map { Optional($0) })
    }
}
