import CProvenanceABI
import Foundation
import XCTest
@testable import Provenance
@testable import Serialize

final class SPADEEncoderTests: XCTestCase {
    func parse(_ line: String) throws -> OrderedJSON { try OrderedJSON.parse(Array(line.utf8)) }

    func annotations(_ line: String) throws -> OrderedJSON {
        try XCTUnwrap(try parse(line)["annotations"])
    }

    /// A labelled packet names its sender's boot and machine (name_id).
    func testLabelledPacketNamesItsSender() throws {
        var r = try XCTUnwrap(RecordSamples.named("packet"))
        XCTAssertNil(try annotations(SPADE.line(r))["sender_machine_id"])
        r.node.nameID = Identifier(node: 0, id: 0, bootID: 3, machineID: 77, version: 0)
        let a = try annotations(SPADE.line(r))
        XCTAssertEqual(a["sender_boot_id"]?.numberText, "3")
        XCTAssertEqual(a["sender_machine_id"]?.stringValue, "cf:77")
        XCTAssertEqual(a["ih_len"]?.numberText, "60")
    }

    /// Edge type per family; from = receiver (effect), to = sender (cause);
    /// from_type/to_type from the endpoints' type words.
    func testEdgeTypeAndDirectionPerFamily() throws {
        let cases: [(UInt64, String)] = [
            (RL_READ, "Used"), (RL_WRITE, "WasGeneratedBy"), (RL_CLONE, "WasInformedBy"),
            (RL_LOAD_MODULE, "WasInfluencedBy"), (RL_RAN_ON, "WasAssociatedWith"), (RL_NAMED, "WasDerivedFrom"),
        ]
        let sender = RecordSamples.fileID, receiver = RecordSamples.taskID
        for (type, edgeType) in cases {
            let r = Record(element: Element(identifier: Identifier(relation: type, id: 7, bootID: 1, machineID: 1)),
                           payload: .relation(RelationInfo(sender: sender, receiver: receiver, allowed: false)))
            let object = try parse(SPADE.line(r))
            XCTAssertEqual(object["type"]?.stringValue, edgeType)
            XCTAssertEqual(object["from"]?.stringValue, receiver.base64)
            XCTAssertEqual(object["to"]?.stringValue, sender.base64)
            let a = try XCTUnwrap(object["annotations"])
            XCTAssertEqual(a["relation_type"]?.stringValue, RelationType(rawValue: type).name)
            XCTAssertEqual(a["from_type"]?.stringValue, "task")
            XCTAssertEqual(a["to_type"]?.stringValue, "file")
            XCTAssertEqual(a["allowed"]?.stringValue, "false")
            XCTAssertNil(a["offset"], "no offset unless set and positive")
            XCTAssertNil(a["cf:taint"], "edges have no taint")
        }
    }

    func testRelationWithoutFamilyIsSkippedAndCounted() throws {
        let r = Record(element: Element(identifier: Identifier(relation: DM_RELATION | 1, id: 1, bootID: 1, machineID: 1)),
                       payload: .relation(RelationInfo(sender: .zero, receiver: .zero)))
        var batch = SPADEBatch()
        var out: [UInt8] = []
        XCTAssertFalse(batch.add(r) { out += $0 })
        batch.flush { out += $0 }
        XCTAssertEqual(batch.skipped, 1)
        XCTAssertTrue(out.isEmpty)
    }

    /// Vertex types from the class bits: tasks are activities, the machine
    /// and disclosed agents agents, everything else entities.
    func testVertexTypes() throws {
        for (name, record) in RecordSamples.all where record.kind != .relation {
            let expected = name == "task" ? "Activity" : name == "machine" ? "Agent" : "Entity"
            XCTAssertEqual(try parse(SPADE.line(record))["type"]?.stringValue, expected, name)
        }
        for (type, expected) in [(ACT_DISC, "Activity"), (AGT_DISC, "Agent"), (ENT_DISC, "Entity")] {
            let r = Record(element: Element(identifier: Identifier(node: type, id: 1, bootID: 1, machineID: 1, version: 0)),
                           payload: .disc(DiscInfo(parent: RecordSamples.taskID, content: [])))
            XCTAssertEqual(try parse(SPADE.line(r))["type"]?.stringValue, expected)
        }
    }

    /// Defect O3: each disclosed node carries its own record's data (the
    /// reference re-emitted the previous line).
    func testDisclosedNodesCarryTheirOwnContent() throws {
        func disc(_ id: UInt64, _ parent: Identifier, _ content: String) -> Record {
            Record(element: Element(identifier: Identifier(node: ENT_DISC, id: id, bootID: 1, machineID: 1, version: 0)),
                   payload: .disc(DiscInfo(parent: parent, content: Array(content.utf8))))
        }
        let task = try XCTUnwrap(RecordSamples.named("task"))
        let records = [task, disc(10, RecordSamples.taskID, "first \"one\""), disc(11, RecordSamples.fileID, "")]
        let lines = SPADE.lines(SPADE.output(records)).map(SPADE.text)
        XCTAssertEqual(lines.count, 3)
        let first = try annotations(lines[1]), second = try annotations(lines[2])
        XCTAssertEqual(first["object_id"]?.stringValue, "10")
        XCTAssertEqual(first["hasParent"]?.stringValue, RecordSamples.taskID.base64)
        XCTAssertEqual(first["content"]?.stringValue, "first \"one\"")
        XCTAssertEqual(second["object_id"]?.stringValue, "11")
        XCTAssertEqual(second["hasParent"]?.stringValue, RecordSamples.fileID.base64)
        XCTAssertNil(second["content"])
    }

    /// Defect O4: log strings and superblocks are emitted.
    func testStringAndSuperblockAreEmitted() throws {
        let string = try annotations(SPADE.line(try XCTUnwrap(RecordSamples.named("string"))))
        XCTAssertEqual(string["object_type"]?.stringValue, "string")
        XCTAssertEqual(string["log"]?.stringValue, "hello \"world\"")
        let sb = try annotations(SPADE.line(try XCTUnwrap(RecordSamples.named("sb"))))
        XCTAssertEqual(sb["object_type"]?.stringValue, "sb")
        XCTAssertEqual(sb["cf:uuid"]?.stringValue, "10171e25-2c33-3a41-484f-565d646b7279")
    }

    /// Defect O1: every string is escaped; invalid UTF-8 becomes U+FFFD.
    func testHostileStringsGiveValidJSON() throws {
        let hostile: [UInt8] = Array("/tmp/a\"b\\c\n\t".utf8) + [0x01, 0x7F, 0xFF, 0xC3, 0xA9]
        var path = try XCTUnwrap(RecordSamples.named("path"))
        path.payload = .path(TextPayload(bytes: hostile))
        let line = SPADE.line(path)
        XCTAssertNoThrow(try JSONSerialization.jsonObject(with: Data(line.utf8)))
        XCTAssertEqual(try annotations(line)["pathname"]?.stringValue, "/tmp/a\"b\\c\n\t\u{01}\u{7F}\u{FFFD}é")

        var xattr = try XCTUnwrap(RecordSamples.named("xattr"))
        xattr.payload = .xattr(XattrInfo(name: Array("user.\"x\"".utf8), value: []))
        let a = try annotations(SPADE.line(xattr))
        XCTAssertEqual(a["name"]?.stringValue, "user.\"x\"")
        XCTAssertNil(a["size"], "size only when > 0")

        var machine = try XCTUnwrap(RecordSamples.named("machine"))
        guard case var .machine(m) = machine.payload else { return XCTFail() }
        m.nodename = Array("host\"1".utf8)
        m.domainname = []
        m.commit = Array("abc".utf8)
        machine.payload = .machine(m)
        let ma = try annotations(SPADE.line(machine))
        XCTAssertEqual(ma["u_nodename"]?.stringValue, "host\"1")
        XCTAssertNil(ma["u_domainname"], "empty strings are omitted")
        XCTAssertEqual(ma["k_commit"]?.stringValue, "abc")
        XCTAssertEqual(ma.keys.suffix(3), ["k_version", "k_commit", "l_version"])
    }

    /// Defect O2: a 10,000-byte argument is one complete line.
    func testLongValueIsOneCompleteLine() throws {
        var arg = try XCTUnwrap(RecordSamples.named("argv"))
        let value = String(repeating: "\"x", count: 5000)
        arg.payload = .arg(TextPayload(bytes: Array(value.utf8), originalLength: 20000))
        let output = SPADE.output([arg], maxBytes: 8191)
        let lines = SPADE.lines(output)
        XCTAssertEqual(lines.count, 1)
        let a = try XCTUnwrap(try OrderedJSON.parse(lines[0])["annotations"])
        XCTAssertEqual(a["value"]?.stringValue, value)
        XCTAssertEqual(a["truncated"]?.stringValue, "true")
    }

    /// Defect O6: full 64-bit inode numbers.
    func testInodeNumberIsNotTruncated() throws {
        var inode = try XCTUnwrap(RecordSamples.named("inode"))
        inode.payload = .inode(InodeInfo(ino: 0xFFFF_FFFF_FFFF_FFFE, mode: 0o40755))
        let line = SPADE.line(inode)
        XCTAssertTrue(line.contains(#""ino":18446744073709551614,"#), line)
        XCTAssertTrue(line.contains(#""mode":"0x41ed""#), line)
    }

    /// cf:date comes from each record's kernel time.
    func testDateIsPerRecord() throws {
        var a = try XCTUnwrap(RecordSamples.named("msg"))
        var b = try XCTUnwrap(RecordSamples.named("relation"))
        a.header.timeNs = 1_000_000_000_000_000_000
        b.header.timeNs = 1_000_000_061_000_000_000
        let lines = SPADE.lines(SPADE.output([a, b])).map(SPADE.text)
        XCTAssertEqual(try annotations(lines[0])["cf:date"]?.stringValue, "2001:09:09T01:46:40")
        XCTAssertEqual(try annotations(lines[1])["cf:date"]?.stringValue, "2001:09:09T01:47:41")
    }

    /// cf:name on any vertex whose name_id is known; absent otherwise.
    func testNameFromPathRecordsOnEveryVertexKind() throws {
        let names = NameCache()
        let pathID = Identifier(node: ENT_PATH, id: 55, bootID: 1, machineID: 1, version: 0)
        let path = Record(element: Element(identifier: pathID), payload: .path(TextPayload(bytes: Array("/dev/shm/x".utf8))))
        var shm = try XCTUnwrap(RecordSamples.named("shm"))
        shm.node.nameID = pathID
        var msg = try XCTUnwrap(RecordSamples.named("msg"))
        msg.node.nameID = Identifier(node: ENT_PATH, id: 56, bootID: 1, machineID: 1, version: 0)
        let lines = SPADE.lines(SPADE.output([path, shm, msg], names: names)).map(SPADE.text)
        let shmAnnotations = try annotations(lines[1])
        XCTAssertEqual(shmAnnotations["cf:name"]?.stringValue, "/dev/shm/x")
        XCTAssertEqual(shmAnnotations.keys.prefix(8), ["object_id", "object_type", "boot_id", "cf:machine_id",
                                                       "version", "cf:date", "cf:name", "cf:taint"])
        XCTAssertEqual(shmAnnotations["cf:mode"]?.stringValue, "0x180")
        XCTAssertNil(try annotations(lines[2])["cf:name"], "unknown path: no name")
    }

    /// Secids without a resolver are written in hex.
    func testSecctxFallsBackToHex() throws {
        var proc = try XCTUnwrap(RecordSamples.named("proc"))
        proc.node.secid = 0x2a
        let a = try annotations(SPADE.line(proc))
        XCTAssertEqual(a.keys.suffix(4), ["uid", "gid", "tgid", "secctx"])
        XCTAssertEqual(a["secctx"]?.stringValue, "2a")
    }

    /// Address families other than IPv4: IPv6, UNIX (named and abstract),
    /// unknown family, truncated address.
    func testAddressFamilies() throws {
        func address(_ bytes: [UInt8]) throws -> OrderedJSON {
            var r = try XCTUnwrap(RecordSamples.named("address"))
            r.payload = .address(TextPayload(bytes: bytes))
            return try annotations(SPADE.line(r))
        }
        var sin6 = [UInt8](repeating: 0, count: 28)
        sin6[0] = 10; sin6[2] = 0x1F; sin6[3] = 0x90  // AF_INET6, port 8080
        sin6[8] = 0x20; sin6[9] = 0x01; sin6[10] = 0x0d; sin6[11] = 0xb8; sin6[23] = 1
        let v6 = try address(sin6)
        XCTAssertEqual(v6["type"]?.stringValue, "AF_INET6")
        XCTAssertEqual(v6["host"]?.stringValue, "2001:db8::1")
        XCTAssertEqual(v6["service"]?.stringValue, "8080")

        let unix = try address([1, 0] + Array("/run/x.sock".utf8) + [0, 0, 0])
        XCTAssertEqual(unix["type"]?.stringValue, "AF_UNIX")
        XCTAssertEqual(unix["path"]?.stringValue, "/run/x.sock")
        XCTAssertEqual(try address([1, 0, 0] + Array("abs".utf8) + [0])["path"]?.stringValue, "@abs")

        let other = try address([17, 0, 1, 2])
        guard case let .number(family)? = other["type"] else { return XCTFail("family not a number") }
        XCTAssertEqual(family, "17")
        XCTAssertEqual(try address([2, 0, 1])["type"]?.stringValue, "AF_INET")
        XCTAssertNil(try address([2])["type"])
    }

    /// A node type word outside the kernel table is written as "unknown".
    func testUnknownNodeTypeIsNamedUnknown() throws {
        var msg = try XCTUnwrap(RecordSamples.named("msg"))
        msg.element.identifier = Identifier(node: DM_ENTITY | 0x1234_0000, id: 9, bootID: 1, machineID: 1, version: 0)
        XCTAssertEqual(try annotations(SPADE.line(msg))["object_type"]?.stringValue, "unknown")
    }
}
