import CProvenanceABI
import XCTest
@testable import Provenance
@testable import Serialize

final class IdentifierSetTests: XCTestCase {
    func id(_ n: UInt64, version: UInt32 = 0) -> Identifier {
        Identifier(node: ENT_INODE_FILE, id: n, bootID: 1, machineID: 1, version: version)
    }

    /// Members are found again across growth and forgotten by removeAll;
    /// identifiers differing in any field are distinct.
    func testInsertFindsDuplicatesAcrossGrowthAndClears() {
        var set = IdentifierSet(capacity: 8)
        for n in 0..<5000 { XCTAssertTrue(set.insert(id(UInt64(n)))) }
        XCTAssertEqual(set.count, 5000)
        for n in stride(from: 0, to: 5000, by: 7) { XCTAssertFalse(set.insert(id(UInt64(n)))) }
        XCTAssertTrue(set.insert(id(1, version: 1)))
        XCTAssertTrue(set.insert(Identifier(node: ENT_INODE_FILE, id: 1, bootID: 2, machineID: 1, version: 0)))
        for round in 0..<3 {
            set.removeAll()
            XCTAssertEqual(set.count, 0)
            XCTAssertTrue(set.insert(id(42)), "round \(round)")
            XCTAssertFalse(set.insert(id(42)))
        }
    }
}

final class TypeNameTableTests: XCTestCase {
    /// Every type of the kernel's table gets its name; a word of the other
    /// class or outside the table gets "unknown".
    func testEveryKernelTypeNameAndUnknowns() {
        var checked = 0
        for t in NodeType.all {
            var out: [UInt8] = []
            out.appendNodeTypeName(t.rawValue)
            XCTAssertEqual(String(decoding: out, as: UTF8.self), t.name)
            out = []
            out.appendRelationTypeName(t.rawValue)
            XCTAssertEqual(String(decoding: out, as: UTF8.self), "unknown")
            checked += 1
        }
        for t in RelationType.all {
            var out: [UInt8] = []
            out.appendRelationTypeName(t.rawValue)
            XCTAssertEqual(String(decoding: out, as: UTF8.self), t.name)
            out = []
            out.appendNodeTypeName(t.rawValue)
            XCTAssertEqual(String(decoding: out, as: UTF8.self), "unknown")
            checked += 1
        }
        XCTAssertGreaterThan(checked, 50)
        for word: UInt64 in [0, DM_ENTITY | 0x1234_0000, DM_RELATION | 0x77, .max] {
            var out: [UInt8] = []
            out.appendNodeTypeName(word)
            out.appendRelationTypeName(word)
            XCTAssertEqual(String(decoding: out, as: UTF8.self), "unknownunknown", "\(word)")
        }
    }
}

final class Base64WritingTests: XCTestCase {
    /// Both base64 writers (the buffer's table-driven one for identifiers, the
    /// generic one) agree with the model's encoder on arbitrary identifiers.
    func testIdentifierBase64MatchesTheModel() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
            guard let id = Identifier(bytes: bytes) else { return XCTFail("32 bytes refused") }
            var buffer = ByteBuffer(capacity: 8)
            buffer.appendBase64(id)
            var array: [UInt8] = []
            array.appendBase64(id)
            XCTAssertEqual(String(decoding: buffer.array, as: UTF8.self), id.base64)
            XCTAssertEqual(String(decoding: array, as: UTF8.self), id.base64)
        }
        for n in 0..<7 {
            var out: [UInt8] = []
            let input = [UInt8](repeating: 0xFB, count: n)
            input.withUnsafeBytes { out.appendBase64($0) }
            var expected: [UInt8] = []
            input.withUnsafeBytes { Base64.append($0, to: &expected) }
            XCTAssertEqual(out, expected, "\(n) bytes")
        }
    }
}

final class ByteBufferTests: XCTestCase {
    /// Decimal and static-string appends match Swift's own formatting, across
    /// growth from a tiny capacity.
    func testDecimalAndTextAppends() {
        var values: [UInt64] = [0, 9, 10, 11, 99, 100, 101, 999, 1000, UInt64.max, UInt64.max - 1]
        var power: UInt64 = 1
        for _ in 0..<19 {
            power *= 10
            values += [power - 1, power, power + 1]
        }
        var generator = SystemRandomNumberGenerator()
        values += (0..<1000).map { _ in UInt64.random(in: 0...UInt64.max, using: &generator) >> UInt64.random(in: 0...63, using: &generator) }
        var buffer = ByteBuffer(capacity: 1)
        var expected = ""
        for v in values {
            buffer.appendDecimal(v)
            buffer.append(",")
            expected += "\(v),"
        }
        for v: Int64 in [0, -1, 42, Int64.min, Int64.max] {
            buffer.appendDecimal(v)
            buffer.append(" ")
            expected += "\(v) "
        }
        XCTAssertEqual(String(decoding: buffer.array, as: UTF8.self), expected)
    }
}
