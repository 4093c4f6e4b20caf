import CProvenanceABI
import XCTest
@testable import Provenance

final class IdentifierTests: XCTestCase {
    /// The reference document's task id decodes to task 4242, boot 3, machine 2887429013, version 2.
    func testDecodesReferenceIdentifier() throws {
        let id = try XCTUnwrap(Identifier(base64: "cf:AQAAAAAAAECSEAAAAAAAAAMAAACVqxqsAgAAAAAAAAA="))
        XCTAssertEqual(id.type, ACT_TASK)
        XCTAssertEqual(id.id, 4242)
        XCTAssertEqual(id.bootID, 3)
        XCTAssertEqual(id.machineID, 2_887_429_013)
        XCTAssertEqual(id.version, 2)
        XCTAssertFalse(id.isRelation)
        XCTAssertEqual(id.base64, "AQAAAAAAAECSEAAAAAAAAAMAAACVqxqsAgAAAAAAAAA=")
    }

    func testFieldInitializerMatchesCLayout() {
        let id = Identifier(node: ENT_INODE_FILE, id: 4300, bootID: 3, machineID: 2_887_429_013, version: 1)
        XCTAssertEqual(id.base64, "AAEAAAAAACDMEAAAAAAAAAMAAACVqxqsAQAAAAAAAAA=")
        let rel = Identifier(relation: RL_READ, id: 99, bootID: 3, machineID: 2_887_429_013)
        XCTAssertEqual(rel.base64, "AQAAAAAAIIBjAAAAAAAAAAMAAACVqxqsAAAAAAAAAAA=")
        XCTAssertTrue(rel.isRelation)
        XCTAssertEqual(Identifier(rel.c), rel)
        XCTAssertEqual(rel.bytes.count, 32)
    }

    func testPacketViewConvertsNetworkOrder() {
        var c = prov_identifier()
        c.packet.type = ENT_PACKET
        c.packet.id = UInt16(513).bigEndian
        c.packet.snd_ip = UInt32(0x0A00_0002).bigEndian
        c.packet.rcv_port = UInt16(80).bigEndian
        c.packet.seq = UInt32(123_456).bigEndian
        let p = Identifier(c).packet
        XCTAssertEqual(p.id, 513)
        XCTAssertEqual(p.senderIP, 0x0A00_0002)
        XCTAssertEqual(p.receiverPort, 80)
        XCTAssertEqual(p.sequence, 123_456)
    }

    func testRejectsBadBase64() {
        XCTAssertNil(Identifier(base64: "AAAA"))
        XCTAssertNil(Identifier(base64: "!QAAAAAAAECSEAAAAAAAAAMAAACVqxqsAgAAAAAAAAA="))
        XCTAssertNil(Identifier(bytes: [UInt8](repeating: 0, count: 31)))
    }

    func testBase64Vectors() {
        let vectors = ["": "", "f": "Zg==", "fo": "Zm8=", "foo": "Zm9v", "foob": "Zm9vYg==",
                       "fooba": "Zm9vYmE=", "foobar": "Zm9vYmFy"]
        for (plain, encoded) in vectors {
            var out: [UInt8] = []
            Array(plain.utf8).withUnsafeBytes { Base64.append($0, to: &out) }
            XCTAssertEqual(String(decoding: out, as: UTF8.self), encoded)
            XCTAssertEqual(Base64.decode(Array(encoded.utf8)), Array(plain.utf8))
        }
        XCTAssertNil(Base64.decode(Array("Zg=a".utf8)))
        XCTAssertNil(Base64.decode(Array("Zg=".utf8)))
    }
}
