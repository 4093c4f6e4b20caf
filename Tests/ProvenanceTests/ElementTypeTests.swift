import CProvenanceABI
import Foundation
import XCTest
@testable import Provenance

final class ElementTypeTests: XCTestCase {
    /// Counts the `{ TYPE, "name" },` entries of one list of the kernel's
    /// provenance_names.h, read from the checkout.
    private func headerEntries(_ list: String) throws -> Int {
        let header = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("kernel-patch/include/uapi/linux/provenance_names.h")
        let text = try String(contentsOf: header, encoding: .utf8)
        let parts = text.components(separatedBy: "#ifdef \(list)")
        XCTAssertEqual(parts.count, 2, "\(list) not found in \(header.path)")
        let body = parts.last?.components(separatedBy: "#endif").first ?? ""
        return body.split(separator: "\n").filter { $0.hasPrefix("{ ") }.count
    }

    func testNameTablesComeFromTheKernelHeader() throws {
        XCTAssertEqual(NodeType.all.count, try headerEntries("PROV_NODE_NAMES"))
        XCTAssertEqual(RelationType.all.count, try headerEntries("PROV_RELATION_NAMES"))
        XCTAssertGreaterThanOrEqual(RelationType.all.count, 93)
        for name in ["open_write", "dup", "splice_in", "signal", "wait", "shutdown"] {
            XCTAssertNotNil(RelationType(name: name), name)
        }
        XCTAssertNotNil(NodeType(name: "semaphore"))
        XCTAssertEqual(NodeType(rawValue: ACT_TASK).name, "task")
        XCTAssertEqual(NodeType(rawValue: ENT_PROC).name, "process_memory")
        XCTAssertEqual(NodeType(name: "file")?.rawValue, 0x2000_0000_0000_0100)
        XCTAssertEqual(RelationType(name: "read")?.rawValue, 0x8020_0000_0000_0001)
        XCTAssertEqual(RelationType(rawValue: RL_SETGID).name, "setpgid")
        XCTAssertNil(NodeType(rawValue: 0x2000_0000_0000_0000).name)
        XCTAssertNil(RelationType(name: "no_such_relation"))
        // "link" and "packet_content" are both node and relation names
        XCTAssertEqual(NodeType(name: "link")?.rawValue, ENT_INODE_LINK)
        XCTAssertEqual(RelationType(name: "link")?.rawValue, RL_LINK)
    }

    func testNamesAreUniqueWithinEachTable() {
        let nodeNames = NodeType.all.compactMap(\.name)
        XCTAssertEqual(Set(nodeNames).count, nodeNames.count)
        let relationNames = RelationType.all.compactMap(\.name)
        XCTAssertEqual(Set(relationNames).count, relationNames.count)
    }

    func testNodeClassAndLong() {
        XCTAssertEqual(NodeType(rawValue: ACT_TASK).nodeClass, .activity)
        XCTAssertEqual(NodeType(rawValue: AGT_MACHINE).nodeClass, .agent)
        XCTAssertEqual(NodeType(rawValue: ENT_PATH).nodeClass, .entity)
        XCTAssertNil(NodeType(rawValue: RL_READ).nodeClass)
        XCTAssertTrue(NodeType(rawValue: ENT_PATH).isLong)
        XCTAssertTrue(NodeType(rawValue: AGT_MACHINE).isLong)
        XCTAssertFalse(NodeType(rawValue: ENT_INODE_FILE).isLong)
    }

    func testRelationFamilies() {
        XCTAssertEqual(RelationType(rawValue: RL_NAMED).family, .derived)
        XCTAssertEqual(RelationType(rawValue: RL_WRITE).family, .generated)
        XCTAssertEqual(RelationType(rawValue: RL_READ).family, .used)
        XCTAssertEqual(RelationType(rawValue: RL_CLONE).family, .informed)
        XCTAssertEqual(RelationType(rawValue: RL_LOAD_MODULE).family, .influenced)
        XCTAssertEqual(RelationType(rawValue: RL_RAN_ON).family, .associated)
        XCTAssertNil(RelationType(rawValue: DM_RELATION | 1).family)
        for type in RelationType.all {
            XCTAssertNotNil(type.family, "\(type.name ?? "?") has no family")
        }
    }

    func testRecordKindsMatchTheABIEnum() {
        XCTAssertEqual(RecordKind.allCases.count, Int(PROV_KIND_MAX.rawValue) - 1)
        for kind in RecordKind.allCases {
            XCTAssertEqual(RecordKind(abiValue: kind.abiValue), kind)
        }
        XCTAssertEqual(RecordKind.relation.abiValue, UInt16(PROV_KIND_RELATION.rawValue))
        XCTAssertEqual(RecordKind.machine.abiValue, UInt16(PROV_KIND_MACHINE.rawValue))
        XCTAssertNil(RecordKind(abiValue: 0))
        XCTAssertNil(RecordKind(abiValue: UInt16(PROV_KIND_MAX.rawValue)))
    }
}
