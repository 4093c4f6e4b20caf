import CProvenanceABI
import TestSupport
import XCTest
@testable import Policy
@testable import Provenance

/// Every ControlAction writes the exact bytes of the kernel ABI to the right file.
final class ControlWriteTests: XCTestCase {
    var tree: FakeSecurityFS!

    override func setUpWithError() throws { tree = try FakeSecurityFS() }

    func testStructureSizesMatchTheABI() {
        XCTAssertEqual(MemoryLayout<prov_filter>.size, 24)
        XCTAssertEqual(MemoryLayout<prov_file_config>.size, 24)
        XCTAssertEqual(MemoryLayout<prov_process_config>.size, 24)
        XCTAssertEqual(MemoryLayout<prov_userinfo>.size, 16)
        XCTAssertEqual(MemoryLayout<prov_nsinfo>.size, 40)
        XCTAssertEqual(MemoryLayout<prov_ipv4_filter>.size, 24)
        XCTAssertEqual(MemoryLayout<prov_secinfo>.size, 280)
        XCTAssertEqual(MemoryLayout<prov_object_state>.size, 48)
    }

    func testBooleansAndEpoch() throws {
        try tree.fs.perform(.flag(.enable, true))
        try tree.fs.perform(.flag(.enable, false))
        try tree.fs.perform(.flag(.shouldVersion, true))
        try tree.fs.perform(.flag(.compressNode, false))
        try tree.fs.perform(.flag(.compressEdge, true))
        try tree.fs.perform(.flag(.duplicate, true))
        try tree.fs.perform(.newEpoch)
        XCTAssertEqual(tree.bytes("enable"), Array("1\n0\n".utf8))
        XCTAssertEqual(tree.bytes("should_version"), Array("1\n".utf8))
        XCTAssertEqual(tree.bytes("compress_node"), Array("0\n".utf8))
        XCTAssertEqual(tree.bytes("compress_edge"), Array("1\n".utf8))
        XCTAssertEqual(tree.bytes("duplicate"), Array("1\n".utf8))
        XCTAssertEqual(tree.bytes("epoch"), Array("1\n".utf8))
    }

    func testFilters() throws {
        let node = FilterTarget(family: nil, propagate: false)
        try tree.fs.perform(.filter(node, type: ENT_INODE_DIRECTORY, add: true))
        try tree.fs.perform(.filter(node, type: ENT_ENV, add: false))
        XCTAssertEqual(tree.bytes("node_filter"),
                       Bytes.filter(0x2000_0000_0000_0200, add: true) + Bytes.filter(0x2400_0000_0400_0000, add: false))
        let read = try XCTUnwrap(RelationType(name: "read"))
        let target = try XCTUnwrap(FilterTarget.relation(read, propagate: true))
        XCTAssertEqual(target.fileName, "propagate_used_filter")
        try tree.fs.perform(.filter(target, type: read.rawValue, add: true))
        XCTAssertEqual(tree.bytes("propagate_used_filter"), Bytes.filter(read.rawValue, add: true))
        try tree.fs.perform(.resetFilter(FilterTarget(family: .informed, propagate: false)))
        XCTAssertEqual(tree.bytes("informed_filter"), Bytes.filter(0x0000_FFFF_FFFF_FFFF, add: false))
        XCTAssertNil(FilterTarget.relation(try XCTUnwrap(RelationType(name: "ran_on")), propagate: false))
        XCTAssertEqual(FilterTarget.all.map(\.fileName), [
            "node_filter", "derived_filter", "generated_filter", "used_filter", "informed_filter",
            "propagate_node_filter", "propagate_derived_filter", "propagate_generated_filter",
            "propagate_used_filter", "propagate_informed_filter"])
    }

    func testFileAndProcessChanges() throws {
        try tree.fs.perform(.file(path: "/tmp/a b", .tracking(.propagate)))
        try tree.fs.perform(.file(path: "/x", .tracking(.on)))
        try tree.fs.perform(.file(path: "/x", .tracking(.off)))
        try tree.fs.perform(.file(path: "/y", .opaque(true)))
        try tree.fs.perform(.file(path: "/y", .opaque(false)))
        try tree.fs.perform(.file(path: "/z", .taint(bit: 63)))
        XCTAssertEqual(tree.bytes("file"),
                       Bytes.file("/tmp/a b", op: 0x05, flags: 0x05)
                       + Bytes.file("/x", op: 0x01, flags: 0x01)
                       + Bytes.file("/x", op: 0x05, flags: 0)
                       + Bytes.file("/y", op: 0x02, flags: 0x02)
                       + Bytes.file("/y", op: 0x02, flags: 0)
                       + Bytes.file("/z", op: 0x08, flags: 0, taint: 1 << 63))
        try tree.fs.perform(.process(pid: 42, .tracking(.propagate)))
        try tree.fs.perform(.process(pid: 7, .taint(bit: 3)))
        try tree.fs.perform(.process(pid: 7, .opaque(true)))
        XCTAssertEqual(tree.bytes("process"),
                       Bytes.process(42, op: 0x05, flags: 0x05)
                       + Bytes.process(7, op: 0x08, flags: 0, taint: 8)
                       + Bytes.process(7, op: 0x02, flags: 0x02))
    }

    func testTargetLists() throws {
        try tree.fs.perform(.user(1000, .track))
        try tree.fs.perform(.user(0, .delete))
        try tree.fs.perform(.group(50, .propagate))
        try tree.fs.perform(.group(51, .opaque))
        try tree.fs.perform(.cgroup(4_026_531_835, .propagate))
        try tree.fs.perform(.secctx("system_u:object_r:etc_t:s0", .opaque))
        let range = try XCTUnwrap(IPv4Filter(parsing: "192.168.1.7/24:443"))
        try tree.fs.perform(.ipv4(.ingress, range, .record))
        try tree.fs.perform(.ipv4(.egress, range, .delete))
        XCTAssertEqual(tree.bytes("uid"), Bytes.id(1000, op: 0x01) + Bytes.id(0, op: 0x10))
        XCTAssertEqual(tree.bytes("gid"), Bytes.id(50, op: 0x05) + Bytes.id(51, op: 0x02))
        XCTAssertEqual(tree.bytes("ns"), Bytes.ns(4_026_531_835, op: 0x05))
        XCTAssertEqual(tree.bytes("secctx_filter"), Bytes.secctx("system_u:object_r:etc_t:s0", op: 0x02))
        XCTAssertEqual(tree.bytes("ipv4_ingress"), Bytes.ipv4([192, 168, 1, 7], [255, 255, 255, 0], port: 443, op: 0x21))
        XCTAssertEqual(tree.bytes("ipv4_egress"), Bytes.ipv4([192, 168, 1, 7], [255, 255, 255, 0], port: 443, op: 0x10))
    }

    func testQueriesWriteTheRequestAndReadTheAnswer() throws {
        let answer = Bytes.state(type: ENT_INODE_FILE, id: 99, boot: 2, machine: 3, version: 4, flags: 0x5, taint: 0x1_0000_0001)
        tree.put("file", answer)
        let state = try tree.fs.fileState("/etc/passwd")
        XCTAssertEqual(state.identifier.type, ENT_INODE_FILE)
        XCTAssertEqual(state.identifier.id, 99)
        XCTAssertEqual(state.identifier.version, 4)
        XCTAssertTrue(state.isTracked)
        XCTAssertFalse(state.isOpaque)
        XCTAssertTrue(state.propagates)
        XCTAssertEqual(state.taint, 0x1_0000_0001)
        XCTAssertEqual(tree.bytes("file"), answer + Bytes.file("/etc/passwd", op: 0, flags: 0))

        tree.put("process", Bytes.state(type: ENT_PROC, id: 5, boot: 1, machine: 1, version: 0, flags: 2, taint: 0))
        XCTAssertTrue(try tree.fs.processState(31).isOpaque)
        XCTAssertEqual(Array(tree.bytes("process").dropFirst(48)), Bytes.process(31, op: 0, flags: 0))

        tree.put("process", [1, 2, 3])
        XCTAssertThrowsError(try tree.fs.processState(31)) { error in
            XCTAssertEqual("\(error)", "cannot read \(self.tree.root)/process: expected 48 bytes, got 27")  // 3 answer bytes + the appended 24-byte request
        }
    }

    func testRefusedWriteNamesTheFile() {
        XCTAssertThrowsError(try SecurityFS(root: tree.root + "/none").perform(.user(1, .track))) { error in
            XCTAssertEqual("\(error)", "cannot open \(self.tree.root)/none/uid: No such file or directory")
        }
    }

    func testTaintLabels() {
        XCTAssertEqual(TaintLabel.bit(for: "0"), 0)
        XCTAssertEqual(TaintLabel.bit(for: "63"), 63)
        XCTAssertNil(TaintLabel.bit(for: "64"))
        XCTAssertNil(TaintLabel.bit(for: ""))
        // FNV-1a 64 of "secret" is 0x... ; computed independently below.
        var h: UInt64 = 14_695_981_039_346_656_037
        for b in "secret".utf8 { h = (h ^ UInt64(b)) &* 1_099_511_628_211 }
        XCTAssertEqual(TaintLabel.bit(for: "secret"), Int(h % 64))
        XCTAssertNotEqual(TaintLabel.bit(for: "secret"), TaintLabel.bit(for: "public"))
    }
}
