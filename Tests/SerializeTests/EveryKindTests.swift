import Capture
import Foundation
import CProvenanceABI
import XCTest
@testable import Provenance
@testable import Serialize

/// Every record kind of the ABI goes bytes → Record → both formats; an
/// unknown kind is reported by the decoder, never serialized, never a crash.
final class EveryKindTests: XCTestCase {
    func testEveryABIKindHasASampleThatDecodesAndSerializes() throws {
        let kinds = (1..<UInt16(PROV_KIND_MAX.rawValue)).map { RecordKind(abiValue: $0) }
        XCTAssertFalse(kinds.contains(nil), "an ABI kind without a RecordKind")
        let samples = RecordSamples.all
        for kind in kinds.compactMap({ $0 }) {
            let matching = samples.filter { $0.record.kind == kind }
            XCTAssertFalse(matching.isEmpty, "no sample of \(kind)")
            for (name, record) in matching {
                let bytes = RecordEncoder.encode(record)
                let decoded = try bytes.withUnsafeBytes { try RecordDecoder.decode($0) }
                var expected = record
                expected.header.size = UInt32(bytes.count)
                XCTAssertEqual(decoded, expected, name)

                var w3c = W3CBatch()
                var documents: [[UInt8]] = []
                XCTAssertTrue(w3c.add(decoded) { documents.append($0) }, name)
                w3c.flush { documents.append($0) }
                XCTAssertEqual(documents.count, 1, name)
                XCTAssertNoThrow(try OrderedJSON.parse(documents[0]), name)

                var spade = SPADEBatch()
                var lines: [UInt8] = []
                XCTAssertTrue(spade.add(decoded) { lines += $0 }, name)
                spade.flush { lines += $0 }
                XCTAssertEqual(SPADE.lines(lines).count, 1, name)
                XCTAssertNoThrow(try OrderedJSON.parse(SPADE.lines(lines)[0]), name)
            }
        }
    }

    /// A record of an unknown kind between two good ones: the reader reports
    /// it once and goes on with the next record.
    func testUnknownKindIsReportedAndSkipped() throws {
        let task = try XCTUnwrap(RecordSamples.named("task"))
        var unknown = RecordEncoder.encode(try XCTUnwrap(RecordSamples.named("msg")))
        unknown.withUnsafeMutableBytes { raw in
            var header = raw.loadUnaligned(as: prov_record_header.self)
            header.kind = UInt16(PROV_KIND_MAX.rawValue) + 7
            raw.storeBytes(of: header, as: prov_record_header.self)
        }
        let stream = RecordEncoder.encode(task) + unknown + RecordEncoder.encode(task)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("unknown-kind-\(getpid()).bin").path
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data(stream)))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let reader = try RelayReader(path: path)
        var records: [Record] = []
        var errors: [DecodeError] = []
        while try reader.readAvailable(onRecord: { records.append($0) }, onError: { errors.append($0) }) > 0 {}
        XCTAssertEqual(records.map(\.kind), [.task, .task])
        XCTAssertEqual(errors, [.unknownKind(UInt16(PROV_KIND_MAX.rawValue) + 7)])
        XCTAssertEqual(reader.stats.undecodable, 1)
        XCTAssertFalse(errors[0].breaksFraming)
    }
}
