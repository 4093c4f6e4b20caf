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
