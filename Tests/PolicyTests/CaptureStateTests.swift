import CProvenanceABI
import TestSupport
import XCTest
@testable import Policy
@testable import Provenance

/// Reading the capture state from a securityfs tree and rendering it.
final class CaptureStateTests: XCTestCase {
    var tree: FakeSecurityFS!

    override func setUpWithError() throws {
        tree = try FakeSecurityFS()
        for (name, on) in [("enable", true), ("all", false), ("should_version", true), ("compress_node", false),
                           ("compress_edge", true), ("duplicate", false), ("label", true), ("written", false)] {
            tree.put(name, on ? "1\n" : "0\n")
        }
        tree.put("machine_id", Bytes().u32(7).array)
        tree.put("boot_id", Bytes().u32(2).array)
        tree.put("policy_hash", [0x00, 0x0F] + [UInt8](repeating: 0xF0, count: 30))
        tree.put("version", "v0.1.0\n")
        tree.put("dropped", Bytes().u64(3).array)
        for target in FilterTarget.all { tree.put(target.fileName, Bytes().u64(0).array) }
    }

    func testReadsEveryPart() throws {
        tree.put("node_filter", Bytes().u64(ENT_INODE_CHAR & SUBTYPE_MASK | 1 << 47).array)
        tree.put("ipv4_egress", Bytes.ipv4([10, 1, 0, 0], [255, 255, 0, 0], port: 53, op: 0x05))
        tree.put("secctx_filter", Bytes.secctx("a\"b", op: 0x01))
        tree.put("ns", Bytes.ns(99, op: 0x02))
        tree.put("uid", Bytes.id(0, op: 0x01))
        tree.put("gid", Bytes.id(0, op: 0x05))
        let state = try CaptureState.read(from: tree.fs)
        XCTAssertEqual(state.machineID, 7)
        XCTAssertEqual(state.bootID, 2)
        XCTAssertEqual(state.dropped, 3)
        XCTAssertTrue(state.shouldVersion)
        XCTAssertFalse(state.written)
        XCTAssertEqual(state.policyHashText, "0F" + String(repeating: "F0", count: 30))
        XCTAssertEqual(state.policyHashHex, "000f" + String(repeating: "f0", count: 30))
        XCTAssertEqual(state.typeNames(FilterTarget(family: nil, propagate: false)), ["char", "0x800000000000"])
        XCTAssertEqual(state.ipv4Egress, [TargetEntry(IPv4Filter(address: 0x0A01_0000, prefixLength: 16, port: 53), op: 5)])
        XCTAssertEqual(state.secctx, [TargetEntry("a\"b", op: 1)])
        XCTAssertEqual(state.cgroups, [TargetEntry(UInt32(99), op: 2)])

        XCTAssertEqual(state.json(userName: { "u\($0)" }, groupName: { "g\($0)" }), """
            {"machine_id":7,"boot_id":2,"version":"v0.1.0","policy_hash":"000f\(String(repeating: "f0", count: 30))",\
            "enabled":true,"all":false,"written":false,"should_version":true,"compress_node":false,\
            "compress_edge":true,"duplicate":false,"label":true,"dropped":3,"tracked_objects":null,"filters":{\
            "node_filter":{"bitmap":"800000000400","types":["char","0x800000000000"]},\
            "derived_filter":{"bitmap":"0","types":[]},"generated_filter":{"bitmap":"0","types":[]},\
            "used_filter":{"bitmap":"0","types":[]},"informed_filter":{"bitmap":"0","types":[]},\
            "propagate_node_filter":{"bitmap":"0","types":[]},"propagate_derived_filter":{"bitmap":"0","types":[]},\
            "propagate_generated_filter":{"bitmap":"0","types":[]},"propagate_used_filter":{"bitmap":"0","types":[]},\
            "propagate_informed_filter":{"bitmap":"0","types":[]}},\
            "ipv4_ingress":[],"ipv4_egress":[{"address":"10.1.0.0/16:53","record":false,"op":"propagate"}],\
            "secctx":[{"context":"a\\"b","op":"track"}],"cgroups":[{"cgroupns":99,"op":"opaque"}],\
            "users":[{"uid":0,"name":"u0","op":"track"}],"groups":[{"gid":0,"name":"g0","op":"propagate"}]}

            """)
        let ini = state.ini(userName: { "u\($0)" }, groupName: { "g\($0)" })
        XCTAssertTrue(ini.contains("node_filter=char\n;node_filter: unnamed bit 0x800000000000 of node_filter\n"), ini)
        XCTAssertTrue(ini.contains("\n[cgroup]\nopaque=99\n"), ini)
        XCTAssertTrue(ini.contains("\n[group]\npropagate=g0\n"), ini)
    }

    func testTrackedObjectsComeFromTheGateFile() throws {
        var state = try CaptureState.read(from: tree.fs)
        XCTAssertNil(state.trackedObjects, "no gate file: an older kernel")
        XCTAssertFalse(state.text().contains("tracked objects"), state.text())
        tree.put("gate", Bytes().u64(0x9).u64(42).array)
        state = try CaptureState.read(from: tree.fs)
        XCTAssertEqual(state.trackedObjects, 42)
        XCTAssertTrue(state.text().contains("- packet labelling enabled;\n- 42 tracked objects;\n"), state.text())
        XCTAssertTrue(state.json().contains("\"dropped\":3,\"tracked_objects\":42,"), state.json())
        tree.put("gate", Bytes().u64(1).array)
        XCTAssertThrowsError(try CaptureState.read(from: tree.fs)) { error in
            XCTAssertTrue("\(error)".contains(self.tree.root + "/gate"), "\(error)")
        }
    }

    func testTornListIsAnError() {
        tree.put("uid", [1, 2, 3, 4, 5])
        XCTAssertThrowsError(try CaptureState.read(from: tree.fs)) { error in
            XCTAssertEqual("\(error)", "cannot read \(self.tree.root)/uid: 5 bytes is not a whole number of 16-byte entries")
        }
    }

    func testMissingFileIsNamed() throws {
        try FileManager.default.removeItem(atPath: tree.root + "/policy_hash")
        XCTAssertThrowsError(try CaptureState.read(from: tree.fs)) { error in
            XCTAssertEqual("\(error)", "cannot open \(self.tree.root)/policy_hash: No such file or directory")
        }
    }

    func testJSONEscaping() {
        XCTAssertEqual(jsonString("a\u{1}\n\"\\é"), "\"a\\u0001\\n\\\"\\\\é\"")
    }
}
