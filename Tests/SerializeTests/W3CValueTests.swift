import CProvenanceABI
import Foundation
import XCTest
@testable import Provenance
@testable import Serialize

final class W3CValueTests: XCTestCase {
    func testDateFormat() {
        XCTAssertEqual(W3C.text(DateStamp.format(second: 0)), "1970:01:01T00:00:00")
        XCTAssertEqual(W3C.text(DateStamp.format(second: 1_667_164_502)), "2022:10:30T21:15:02")
        XCTAssertEqual(W3C.text(DateStamp.format(second: 951_782_400)), "2000:02:29T00:00:00")
        XCTAssertEqual(W3C.text(DateStamp.format(second: 4_102_444_799)), "2099:12:31T23:59:59")
        XCTAssertEqual(W3C.text(DateStamp.format(second: 1_709_251_199)), "2024:02:29T23:59:59")
    }

    /// The date is taken from each record's time, not from a cached flush time.
    func testDateIsPerRecord() throws {
        var a = try XCTUnwrap(RecordSamples.named("msg"))
        var b = a
        a.header.timeNs = 1_000_000_000_000_000_000  // 2001-09-09T01:46:40Z
        b.element.identifier = Identifier(node: ENT_MSG, id: 1, bootID: 1, machineID: 1, version: 0)
        b.header.timeNs = 1_000_000_001_000_000_000
        let doc = W3C.text(W3C.document([a, b]))
        XCTAssertTrue(doc.contains("2001:09:09T01:46:40"), doc)
        XCTAssertTrue(doc.contains("2001:09:09T01:46:41"), doc)
    }

    func testNumberEncodings() {
        var out: [UInt8] = []
        out.appendDecimal(UInt64.max)
        out.append(UInt8(ascii: " "))
        out.appendDecimal(Int64.min)
        out.append(UInt8(ascii: " "))
        out.appendHex(0xDEAD_BEEF_0000_0001)
        out.append(UInt8(ascii: " "))
        out.appendHex(0)
        XCTAssertEqual(W3C.text(out), "18446744073709551615 -9223372036854775808 deadbeef00000001 0")
    }

    /// Full 64-bit inode numbers (the reference truncated them to 32 bits).
    func testInodeNumberIsNotTruncated() throws {
        var r = try XCTUnwrap(RecordSamples.named("inode"))
        r.payload = .inode(InodeInfo(ino: UInt64.max, mode: 0o40755))
        let doc = W3C.text(W3C.document([r]))
        XCTAssertTrue(doc.contains(#""cf:ino":18446744073709551615,"#), doc)
        XCTAssertTrue(doc.contains(#""cf:mode":"0x41ed""#), doc)
    }

    /// A labelled packet's node carries the sender's ids in name_id: they
    /// are printed; an unlabelled one (name_id zero) has no such attributes.
    func testLabelledPacketNamesItsSender() throws {
        var r = try XCTUnwrap(RecordSamples.named("packet"))
        var doc = W3C.text(W3C.document([r]))
        XCTAssertFalse(doc.contains("cf:sender_"), doc)
        r.node.nameID = Identifier(node: 0, id: 0, bootID: 3, machineID: 4_009_122_727, version: 0)
        doc = W3C.text(W3C.document([r]))
        guard case let .object(members)? = try OrderedJSON.parse(W3C.document([r]))["entity"],
              let element = members.first?.value else { return XCTFail(doc) }
        XCTAssertEqual(element["cf:sender_boot_id"]?.numberText, "3", doc)
        XCTAssertEqual(element["cf:sender_machine_id"]?.stringValue, "cf:4009122727", doc)
        XCTAssertEqual(element["cf:len"]?.numberText, "60", doc)
    }

    func testSecurityContextResolver() throws {
        final class Resolver: SecurityContextResolver {
            func securityContext(for secid: UInt32) -> [UInt8]? { secid == 7 ? Array("system_u:object_r:etc_t:s0".utf8) : nil }
        }
        var r = try XCTUnwrap(RecordSamples.named("proc"))
        r.node.secid = 7
        var out: [UInt8] = []
        var encoder = W3CEncoder(securityContexts: Resolver())
        encoder.appendElement(r, to: &out)
        XCTAssertTrue(W3C.text(out).contains(#""cf:secctx":"system_u:object_r:etc_t:s0""#))
        r.node.secid = 0x2a
        out.removeAll()
        encoder.appendElement(r, to: &out)
        XCTAssertTrue(W3C.text(out).contains(#""cf:secctx":"2a""#))
    }

    func address(_ bytes: [UInt8]) throws -> OrderedJSON {
        var r = try XCTUnwrap(RecordSamples.named("address"))
        r.payload = .address(TextPayload(bytes: bytes))
        guard case let .object(members)? = try OrderedJSON.parse(W3C.document([r]))["entity"],
              let element = members.first?.value else { throw XCTSkip("no element") }
        return element
    }

    func testAddressFamiliesAreFlatAttributes() throws {
        var sin6 = [UInt8](repeating: 0, count: 28)
        sin6[0] = 10  // AF_INET6
        sin6[2] = 0x1F; sin6[3] = 0x90  // 8080
        sin6[8] = 0x20; sin6[9] = 0x01; sin6[10] = 0x0D; sin6[11] = 0xB8; sin6[23] = 0x01
        let v6 = try address(sin6)
        XCTAssertEqual(v6["cf:address_family"]?.stringValue, "AF_INET6")
        XCTAssertEqual(v6["cf:host"]?.stringValue, "2001:db8::1")
        XCTAssertEqual(v6["cf:service"]?.stringValue, "8080")
        XCTAssertEqual(v6["prov:label"]?.stringValue, "[address] IPV6 2001:db8::1 (8080)")

        let unix = try address([1, 0] + Array("/run/x\"y.sock".utf8) + [0, 0, 0])
        XCTAssertEqual(unix["cf:address_family"]?.stringValue, "AF_UNIX")
        XCTAssertEqual(unix["cf:path"]?.stringValue, "/run/x\"y.sock")
        XCTAssertEqual(unix["prov:label"]?.stringValue, "[address] UNIX /run/x\"y.sock")

        let abstract = try address([1, 0, 0] + Array("dbus".utf8))
        XCTAssertEqual(abstract["cf:path"]?.stringValue, "@dbus")

        let other = try address([17, 0, 1, 2, 3])
        XCTAssertEqual(other["cf:address_family"]?.stringValue, "17")
        XCTAssertNil(other["cf:host"])

        let short = try address([2, 0, 1])
        XCTAssertEqual(short["cf:address_family"]?.stringValue, "AF_INET")
        XCTAssertEqual(try address([2])["prov:label"]?.stringValue, "[address] ")
        for element in [v6, unix, abstract, other, short] {
            if case .object = element["cf:address"] { XCTFail("nested cf:address object") }
        }
    }
}
