import CProvenanceABI
import Foundation
import XCTest
@testable import Provenance
@testable import Serialize

final class W3CEscapingTests: XCTestCase {
    func pathRecord(_ bytes: [UInt8]) throws -> Record {
        var r = try XCTUnwrap(RecordSamples.named("path"))
        r.payload = .path(TextPayload(bytes: bytes))
        return r
    }

    func escaped(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.appendEscaped(bytes)
        return String(decoding: out, as: UTF8.self)
    }

    /// Parses a one-element document and returns that element's attributes.
    func element(_ document: [UInt8]) throws -> [String: Any] {
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(document)) as? [String: Any])
        let section = try XCTUnwrap(json["entity"] as? [String: Any] ?? json["activity"] as? [String: Any])
        return try XCTUnwrap(section.values.first as? [String: Any])
    }

    func testShortEscapesAndControlCharacters() {
        XCTAssertEqual(escaped(Array("a\"b\\c".utf8)), #"a\"b\\c"#)
        XCTAssertEqual(escaped([0x08, 0x0C, 0x0A, 0x0D, 0x09]), #"\b\f\n\r\t"#)
        XCTAssertEqual(escaped([0x00, 0x01, 0x1F, 0x7F]), "\\u0000\\u0001\\u001f\u{7F}")
        XCTAssertEqual(escaped(Array("/tmp/ü€😀".utf8)), "/tmp/ü€😀")
    }

    func testInvalidUTF8BecomesReplacementCharacters() {
        // lone continuation, truncated sequences, overlong, surrogate, out of range
        let cases: [[UInt8]] = [[0x80], [0xC3], [0xE2, 0x82], [0xC0, 0xAF], [0xED, 0xA0, 0x80],
                                [0xF4, 0x90, 0x80, 0x80], [0xFF, 0x41], [0xF0, 0x9F, 0x98]]
        for bytes in cases {
            var out: [UInt8] = []
            out.appendEscaped(bytes)
            // compare bytes: a String comparison would hide raw invalid bytes
            XCTAssertEqual(out, Array(String(decoding: bytes, as: UTF8.self).utf8), "\(bytes)")
        }
    }

    /// Paths with quotes, backslashes, every control character and invalid
    /// UTF-8 give valid JSON whose decoded value is the path (invalid bytes as U+FFFD).
    func testHostilePathsRoundTrip() throws {
        let hostile: [[UInt8]] = [
            Array(#"/tmp/a"b\c"#.utf8),
            Array("/tmp/".utf8) + Array(1...31) + [0x7F],
            Array("/tmp/bad".utf8) + [0xFF, 0xFE, 0xC3, 0x28, 0xE2, 0x82] + Array("end".utf8),
            Array(#"C:\Windows\"quoted"\"#.utf8),
            Array("/tmp/\u{2028}\u{FEFF}".utf8),
        ]
        for bytes in hostile {
            let document = W3C.document([try pathRecord(bytes)])
            let attributes = try element(document)
            let expected = String(decoding: bytes, as: UTF8.self)
            XCTAssertEqual(attributes["cf:pathname"] as? String, expected)
            XCTAssertEqual(attributes["prov:label"] as? String, "[path] " + expected)
            XCTAssertNoThrow(try OrderedJSON.parse(document))
        }
    }

    func testHostileStringsInOtherKinds() throws {
        let nasty = Array("x\"y\\z\n".utf8) + [0x01, 0xFF]
        let expected = String(decoding: nasty, as: UTF8.self)
        var argv = try XCTUnwrap(RecordSamples.named("argv"))
        argv.payload = .arg(TextPayload(bytes: nasty))
        XCTAssertEqual(try element(W3C.document([argv]))["cf:value"] as? String, expected)
        var log = try XCTUnwrap(RecordSamples.named("string"))
        log.payload = .string(TextPayload(bytes: nasty))
        XCTAssertEqual(try element(W3C.document([log]))["cf:log"] as? String, expected)
        var xattr = try XCTUnwrap(RecordSamples.named("xattr"))
        xattr.payload = .xattr(XattrInfo(name: nasty, value: []))
        let x = try element(W3C.document([xattr]))
        XCTAssertEqual(x["cf:name"] as? String, expected)
        XCTAssertNil(x["cf:size"])
        var machine = try XCTUnwrap(RecordSamples.named("machine"))
        var info = MachineInfo()
        info.nodename = nasty
        machine.payload = .machine(info)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(W3C.document([machine]))) as? [String: Any])
        let agent = try XCTUnwrap((json["agent"] as? [String: Any])?.values.first as? [String: Any])
        XCTAssertEqual(agent["cf:u_nodename"] as? String, expected)
        XCTAssertNil(agent["cf:u_sysname"])  // empty strings are omitted
    }

    /// No element size limit: a 10,000-character path is one valid element.
    func testTenThousandCharacterPath() throws {
        let long = Array(repeating: UInt8(ascii: "a"), count: 9_990) + Array("/\"x\\.txt".utf8)
        let document = W3C.document([try pathRecord(long)])
        let attributes = try element(document)
        XCTAssertEqual((attributes["cf:pathname"] as? String)?.utf8.count, long.count)
        XCTAssertEqual(attributes["cf:pathname"] as? String, String(decoding: long, as: UTF8.self))
    }
}
