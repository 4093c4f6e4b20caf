import CProvenanceABI
import Foundation
import XCTest
@testable import Provenance
@testable import Serialize

/// Golden files: Tests/Fixtures/spade/<kind>.json holds the line written for
/// the sample record of each kind (`RecordSamples`), `\n` included. Set
/// CAMFLOW_UPDATE_GOLDEN=1 to rewrite them after a deliberate format change.
final class SPADEGoldenTests: XCTestCase {
    static var goldenDirectory: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Fixtures/spade")
    }

    func testEveryKindMatchesItsGoldenFile() throws {
        let update = ProcessInfo.processInfo.environment["CAMFLOW_UPDATE_GOLDEN"] != nil
        for (name, record) in RecordSamples.all {
            let produced = SPADE.output([record])
            let url = Self.goldenDirectory.appendingPathComponent("\(name).json")
            if update {
                try Data(produced).write(to: url)
                continue
            }
            let golden = try [UInt8](Data(contentsOf: url))
            XCTAssertEqual(SPADE.text(produced), SPADE.text(golden), "\(name) differs from \(url.path)")
        }
    }

    /// Each golden is exactly one line, valid JSON without duplicate keys,
    /// with the members SPADE's reporter needs.
    func testEveryGoldenIsOneValidLine() throws {
        for (name, record) in RecordSamples.all {
            let url = Self.goldenDirectory.appendingPathComponent("\(name).json")
            let bytes = try [UInt8](Data(contentsOf: url))
            let lines = SPADE.lines(bytes)
            XCTAssertEqual(lines.count, 1, name)
            let object = try OrderedJSON.parse(lines[0])
            let isEdge = record.kind == .relation
            XCTAssertEqual(object.keys, isEdge ? ["type", "from", "to", "annotations"]
                                               : ["type", "id", "annotations"], name)
            XCTAssertNoThrow(try JSONSerialization.jsonObject(with: Data(lines[0])), name)
        }
    }

    // MARK: - The reference's example lines (userspace reference §4.5)

    static let context = FixedContext("unconfined_u:unconfined_r:unconfined_t:s0-s0:c0.c1023")

    func testTaskLineMatchesReference() throws {
        let task = try XCTUnwrap(RecordSamples.named("task"))
        let expected = #"{"type":"Activity","id":"AQAAAAAAAECSEAAAAAAAAAMAAACVqxqsAgAAAAAAAAA=","annotations": {"object_id":"4242","object_type":"task","boot_id":3,"cf:machine_id":"cf:2887429013","version":2,"cf:date":"2022:10:30T21:15:02","cf:name":"/usr/bin/wget","cf:taint":"0","cf:jiffies":"4295123456","cf:epoch":2,"pid":1234,"vpid":1234,"utime":"1500","stime":"300","vm":"12000","rss":"3000","hw_vm":"12500","hw_rss":"3100","rbytes":"4096","wbytes":"0","cancel_wbytes":"0","utsns":4026531838,"ipcns":4026531839,"mntns":4026531840,"pidns":4026531836,"netns":4026531992,"cgroupns":4026531835,"secctx":"unconfined_u:unconfined_r:unconfined_t:s0-s0:c0.c1023"}}"#
        XCTAssertEqual(SPADE.line(task, contexts: Self.context), expected)
    }

    func testFileLineMatchesReference() throws {
        var file = try XCTUnwrap(RecordSamples.named("inode"))
        file.node.nameID = .zero
        file.element.jiffies = 4_295_123_400
        guard case var .inode(info) = file.payload else { return XCTFail("not an inode") }
        info.ino = 1_311_234
        file.payload = .inode(info)
        let expected = #"{"type":"Entity","id":"AAEAAAAAACDMEAAAAAAAAAMAAACVqxqsAQAAAAAAAAA=","annotations": {"object_id":"4300","object_type":"file","boot_id":3,"cf:machine_id":"cf:2887429013","version":1,"cf:date":"2022:10:30T21:15:02","cf:taint":"0","cf:jiffies":"4295123400","cf:epoch":2,"uid":1000,"gid":1000,"mode":"0x81a4","secctx":"unconfined_u:unconfined_r:unconfined_t:s0-s0:c0.c1023","ino":1311234,"uuid":"10171e25-2c33-3a41-484f-565d646b7279"}}"#
        XCTAssertEqual(SPADE.line(file, contexts: Self.context), expected)
    }

    func testAddressLineMatchesReference() throws {
        var address = try XCTUnwrap(RecordSamples.named("address"))
        address.element.jiffies = 4_295_123_402
        let expected = #"{"type":"Entity","id":"AAAgAAAAACTOEAAAAAAAAAMAAACVqxqsAAAAAAAAAAA=","annotations": {"object_id":"4302","object_type":"address","boot_id":3,"cf:machine_id":"cf:2887429013","version":0,"cf:date":"2022:10:30T21:15:02","cf:taint":"0","cf:jiffies":"4295123402","cf:epoch":2,"type":"AF_INET","host":"93.184.216.34","service":"443"}}"#
        XCTAssertEqual(SPADE.line(address), expected)
    }

    func testPacketLineMatchesReference() throws {
        var packet = try XCTUnwrap(RecordSamples.named("packet"))
        packet.element.jiffies = 4_295_123_500
        // The id is ours (this ABI's packet identifier layout sets the
        // protocol byte the reference's example left at zero).
        let expected = #"{"type":"Entity","id":""# + packet.identifier.base64 + #"","annotations": {"object_type":"packet","cf:date":"2022:10:30T21:15:02","packet_id":513,"seq":123456,"sender":"10.0.0.2:51000","receiver":"10.0.0.1:80","jiffies":"4295123500","ih_len":60}}"#
        XCTAssertEqual(SPADE.line(packet), expected)
    }

    func testUsedEdgeMatchesReference() throws {
        var read = try XCTUnwrap(RecordSamples.named("relation"))
        read.element.jiffies = 4_295_123_457
        let expected = #"{"type":"Used","from":"AQAAAAAAAECSEAAAAAAAAAMAAACVqxqsAgAAAAAAAAA=","to":"AAEAAAAAACDMEAAAAAAAAAMAAACVqxqsAQAAAAAAAAA=","annotations": {"id":"AQAAAAAAIIBjAAAAAAAAAAMAAACVqxqsAAAAAAAAAAA=","relation_id":"99","relation_type":"read","boot_id":3,"cf:machine_id":"cf:2887429013","cf:date":"2022:10:30T21:15:02","epoch":2,"jiffies":"4295123457","allowed":"true","offset":"8192","flags":"8001","task_id":"4242","from_type":"task","to_type":"file"}}"#
        XCTAssertEqual(SPADE.line(read), expected)
    }
}
