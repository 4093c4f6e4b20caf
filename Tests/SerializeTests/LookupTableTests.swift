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
