import Foundation
import XCTest
@testable import Provenance
@testable import Serialize

/// Helpers shared by the W3C tests.
enum W3C {
    /// One document holding `records`, with a name cache that knows the sample path.
    static func document(_ records: [Record], names: NameCache? = nil) -> [UInt8] {
        let cache = names ?? {
            let c = NameCache()
            c.insert(RecordSamples.pathID, name: Array("/usr/bin/wget".utf8))
            return c
        }()
        var batch = W3CBatch(encoder: W3CEncoder(nameCache: cache), maxDocumentBytes: 1 << 30)
        var documents: [[UInt8]] = []
        for r in records { batch.add(r) { documents.append($0) } }
        batch.flush { documents.append($0) }
        precondition(documents.count == 1)
        return documents[0]
    }

    static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }
}

/// Golden files: Tests/Fixtures/w3c/<kind>.json holds the document written
/// for the sample record of each kind (one line, as in the log). Set
/// CAMFLOW_UPDATE_GOLDEN=1 to rewrite them after a deliberate format change.
final class W3CGoldenTests: XCTestCase {
    static var goldenDirectory: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Fixtures/w3c")
    }

    func testEveryKindMatchesItsGoldenFile() throws {
        let update = ProcessInfo.processInfo.environment["CAMFLOW_UPDATE_GOLDEN"] != nil
        for (name, record) in RecordSamples.all {
            let produced = W3C.document([record]) + [10]
            let url = Self.goldenDirectory.appendingPathComponent("\(name).json")
            if update {
                try Data(produced).write(to: url)
                continue
            }
            let golden = try [UInt8](Data(contentsOf: url))
            XCTAssertEqual(W3C.text(produced), W3C.text(golden), "\(name) differs from \(url.path)")
        }
    }

    func testEveryGoldenIsValidJSONWithoutDuplicateKeys() throws {
        for (name, _) in RecordSamples.all {
            let url = Self.goldenDirectory.appendingPathComponent("\(name).json")
            let bytes = try [UInt8](Data(contentsOf: url))
            XCTAssertNoThrow(try JSONSerialization.jsonObject(with: Data(bytes)), name)
            XCTAssertNoThrow(try OrderedJSON.parse(bytes), name)
        }
    }

    /// The reference document's task element, attribute for attribute (with
    /// our per-record date and no cf:secctx, as the reference).
    func testTaskElementMatchesReferenceLayout() throws {
        let task = try XCTUnwrap(RecordSamples.named("task"))
        let expected = #"{"prefix":{"prov" : "http://www.w3.org/ns/prov", "cf":"http://www.camflow.org"}, "activity":{"cf:AQAAAAAAAECSEAAAAAAAAAMAAACVqxqsAgAAAAAAAAA=":{"cf:id":"4242","prov:type":"task","cf:boot_id":3,"cf:machine_id":"cf:2887429013","cf:version":2,"cf:date":"2022:10:30T21:15:02","cf:taint":"0","cf:jiffies":"4295123456","cf:epoch":2,"cf:name":"/usr/bin/wget","cf:pid":1234,"cf:vpid":1234,"cf:utime":"1500","cf:stime":"300","cf:vm":"12000","cf:rss":"3000","cf:hw_vm":"12500","cf:hw_rss":"3100","cf:rbytes":"4096","cf:wbytes":"0","cf:cancel_wbytes":"0","cf:utsns":4026531838,"cf:ipcns":4026531839,"cf:mntns":4026531840,"cf:pidns":4026531836,"cf:netns":4026531992,"cf:cgroupns":4026531835,"prov:label":"[task] 2"}}}"#
        XCTAssertEqual(W3C.text(W3C.document([task])), expected)
    }

    /// The reference document's read relation, attribute for attribute.
    func testRelationElementMatchesReferenceLayout() throws {
        let read = try XCTUnwrap(RecordSamples.named("relation"))
        let expected = #"{"prefix":{"prov" : "http://www.w3.org/ns/prov", "cf":"http://www.camflow.org"}, "used":{"cf:AQAAAAAAIIBjAAAAAAAAAAMAAACVqxqsAAAAAAAAAAA=":{"cf:id":"99","prov:type":"read","cf:boot_id":3,"cf:machine_id":"cf:2887429013","cf:date":"2022:10:30T21:15:02","cf:jiffies":"4295123456","cf:epoch":2,"prov:label":"read","cf:allowed":"true","prov:entity":"cf:AAEAAAAAACDMEAAAAAAAAAMAAACVqxqsAQAAAAAAAAA=","prov:activity":"cf:AQAAAAAAAECSEAAAAAAAAAMAAACVqxqsAgAAAAAAAAA=","cf:offset":"8192","cf:flags":"8001","cf:task_id":"4242"}}}"#
        XCTAssertEqual(W3C.text(W3C.document([read])), expected)
    }
}
