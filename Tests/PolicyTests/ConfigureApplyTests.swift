import CProvenanceABI
import Ini
import TestSupport
import XCTest
@testable import Policy
@testable import Provenance

/// `camflow configure --apply` semantics: every ini key becomes the exact
/// bytes of its control file, in the documented order; every bad line is
/// reported; a refused entry does not stop the others.
final class ConfigureApplyTests: XCTestCase {
    var tree: FakeSecurityFS!
    var etc: TempDir!

    override func setUpWithError() throws {
        tree = try FakeSecurityFS()
        etc = try TempDir("camflow-etc")
    }

    func load(_ text: String, path: String = "/etc/camflow.ini") -> LoadedCaptureConfiguration {
        CaptureConfiguration.parse(IniFile(path: path, contents: Array(text.utf8)))
    }

    func apply(_ text: String) throws -> ApplyReport {
        let loaded = load(text)
        XCTAssertEqual(loaded.problems, [])
        let applier = PolicyApplier(securityFS: tree.fs,
                                    identityFiles: IdentityFiles(machineIDPath: etc.path + "/m", bootIDPath: etc.path + "/b"))
        return try applier.apply(loaded.configuration)
    }

    func testEveryKeyWritesItsExactBytes() throws {
        let report = try apply("""
            [provenance]
            machine_id=12
            enabled=true
            all=false
            node_filter=directory
            node_filter=envp
            relation_filter=read
            relation_filter=named
            propagate_node_filter=file
            propagate_relation_filter=write
            [compression]
            version=true
            node=false
            edge=true
            duplicate=true
            [file]
            opaque=/usr/bin/bash
            track=/tmp/t
            propagate=/tmp/p
            [ipv4-ingress]
            track=10.0.0.0/8:0
            [ipv4\u{2212}ingress]
            propagate=192.168.1.7/32:443
            record=127.0.0.1/32:80
            [ipv4\u{2212}egress]
            record=0.0.0.0/0:80
            [user]
            track=root
            propagate=0
            opaque=65534
            [group]
            track=root
            opaque=7
            [cgroup]
            track=4026531835
            propagate=0xF0000001
            opaque=5
            [secctx]
            track=system_u:object_r:etc_t:s0
            propagate=a
            opaque=b
            [relay]
            buff_exp=14
            subuf_nb=3
            """)
        XCTAssertEqual(report.failures, [])
        XCTAssertTrue(report.configuredRelay)
        XCTAssertEqual(tree.bytes("relay_conf"), Bytes().u32(1).u32(12).u32(14).u32(3).array)
        XCTAssertEqual(tree.bytes("enable"), Array("1\n".utf8))
        XCTAssertEqual(tree.bytes("all"), Array("0\n".utf8))
        XCTAssertEqual(tree.bytes("should_version"), Array("1\n".utf8))
        XCTAssertEqual(tree.bytes("compress_node"), Array("0\n".utf8))
        XCTAssertEqual(tree.bytes("compress_edge"), Array("1\n".utf8))
        XCTAssertEqual(tree.bytes("duplicate"), Array("1\n".utf8))
        XCTAssertEqual(tree.bytes("node_filter"), Bytes.filter(ENT_INODE_DIRECTORY, add: true) + Bytes.filter(ENT_ENV, add: true))
        XCTAssertEqual(tree.bytes("used_filter"), Bytes.filter(RL_READ, add: true))
        XCTAssertEqual(tree.bytes("derived_filter"), Bytes.filter(RL_NAMED, add: true))
        XCTAssertEqual(tree.bytes("propagate_node_filter"), Bytes.filter(ENT_INODE_FILE, add: true))
        XCTAssertEqual(tree.bytes("propagate_generated_filter"), Bytes.filter(RL_WRITE, add: true))
        XCTAssertEqual(tree.bytes("file"),
                       Bytes.file("/usr/bin/bash", op: 0x02, flags: 0x02)
                       + Bytes.file("/tmp/t", op: 0x01, flags: 0x01)
                       + Bytes.file("/tmp/p", op: 0x05, flags: 0x05))
        XCTAssertEqual(tree.bytes("ipv4_ingress"),
                       Bytes.ipv4([10, 0, 0, 0], [255, 0, 0, 0], port: 0, op: 0x01)
                       + Bytes.ipv4([192, 168, 1, 7], [255, 255, 255, 255], port: 443, op: 0x05)
                       + Bytes.ipv4([127, 0, 0, 1], [255, 255, 255, 255], port: 80, op: 0x21))
        XCTAssertEqual(tree.bytes("ipv4_egress"), Bytes.ipv4([0, 0, 0, 0], [0, 0, 0, 0], port: 80, op: 0x21))
        XCTAssertEqual(tree.bytes("uid"), Bytes.id(0, op: 0x01) + Bytes.id(0, op: 0x05) + Bytes.id(65534, op: 0x02))
        XCTAssertEqual(tree.bytes("gid"), Bytes.id(0, op: 0x01) + Bytes.id(7, op: 0x02))
        XCTAssertEqual(tree.bytes("ns"), Bytes.ns(4_026_531_835, op: 0x01) + Bytes.ns(0xF000_0001, op: 0x05) + Bytes.ns(5, op: 0x02))
        XCTAssertEqual(tree.bytes("secctx_filter"),
                       Bytes.secctx("system_u:object_r:etc_t:s0", op: 0x01) + Bytes.secctx("a", op: 0x05)
                       + Bytes.secctx("b", op: 0x02))
        XCTAssertEqual(report.applied, 30)
    }

    func testOrderListsThenScalars() throws {
        let config = load("""
            [compression]
            duplicate=false
            [provenance]
            enabled=true
            all=true
            enabled=false
            [secctx]
            track=x
            [file]
            propagate=/p
            opaque=/o
            [provenance]
            node_filter=char
            [user]
            track=root
            """).configuration
        let kinds = config.steps.map { step -> String in
            switch step.action {
            case let .flag(flag, on): return "\(flag.rawValue)=\(on)"
            case let .file(path, _): return "file " + path
            case let .filter(target, _, _): return target.fileName
            case .user: return "uid"
            case .secctx: return "secctx"
            default: return "other"
            }
        }
        // Last occurrence of a scalar wins; absent compression keys are not written.
        XCTAssertEqual(kinds, ["file /o", "file /p", "node_filter", "uid", "secctx",
                               "enable=false", "all=true", "duplicate=false"])
        XCTAssertEqual(config.steps[5].description, "/etc/camflow.ini:6: [provenance] enabled=false")
    }

    func testAbsentEnabledAndAllAreWrittenAsFalse() throws {
        let report = try apply("[relay]\nbuff_exp=13\n")
        XCTAssertEqual(report.failures, [])
        XCTAssertEqual(tree.bytes("enable"), Array("0\n".utf8))
        XCTAssertEqual(tree.bytes("all"), Array("0\n".utf8))
        XCTAssertEqual(tree.bytes("should_version"), [])
        XCTAssertEqual(CaptureConfiguration().steps.first?.description, "[provenance] enabled=false (default)")
    }

    func testRefusedEntryIsReportedAndTheRestApplied() throws {
        try FileManager.default.removeItem(atPath: tree.root + "/uid")
        try FileManager.default.removeItem(atPath: tree.root + "/node_filter")
        let report = try apply("""
            [provenance]
            enabled=true
            node_filter=char
            [user]
            track=root
            [group]
            track=root
            """)
        XCTAssertEqual(report.failures.map(\.description), [
            "/etc/camflow.ini:3: [provenance] node_filter=char: cannot open \(tree.root)/node_filter: No such file or directory",
            "/etc/camflow.ini:5: [user] track=root: cannot open \(tree.root)/uid: No such file or directory",
        ])
        XCTAssertEqual(tree.bytes("gid"), Bytes.id(0, op: 0x01))
        XCTAssertEqual(tree.bytes("enable"), Array("1\n".utf8))
        XCTAssertEqual(report.applied, 3)
    }

    func testEveryBadLineIsReported() {
        let loaded = load("""
            [provenance]
            enabled=maybe
            node_filter=bogus
            relation_filter=ran_on
            relation_filter=nothing
            machine_id=x
            [compression]
            edge=2
            [file]
            track=relative/path
            [user]
            track=no-such-user-camflow
            [group]
            opaque=no-such-group-camflow
            [cgroup]
            track=0
            propagate=0x100000000
            opaque=abc
            [secctx]
            track=\(String(repeating: "s", count: 256))
            [ipv4\u{2212}egress]
            record=1.2.3.4/8
            [relay]
            buff_exp=25
            subuf_nb=1
            """, path: "/p/camflow.ini")
        XCTAssertEqual(loaded.problems.map(\.description), [
            "/p/camflow.ini:2: [provenance] enabled=maybe: not a boolean (true or false)",
            "/p/camflow.ini:3: [provenance] node_filter=bogus: unknown node type",
            "/p/camflow.ini:4: [provenance] relation_filter=ran_on: relations of this family cannot be filtered",
            "/p/camflow.ini:5: [provenance] relation_filter=nothing: unknown relation type",
            "/p/camflow.ini:6: [provenance] machine_id=x: out of range 0...4294967295",
            "/p/camflow.ini:8: [compression] edge=2: not a boolean (true or false)",
            "/p/camflow.ini:10: [file] track=relative/path: not an absolute path",
            "/p/camflow.ini:12: [user] track=no-such-user-camflow: no such user",
            "/p/camflow.ini:14: [group] opaque=no-such-group-camflow: no such group",
            "/p/camflow.ini:16: [cgroup] track=0: not a cgroup namespace inode number (decimal or 0x hex, 32 bits)",
            "/p/camflow.ini:17: [cgroup] propagate=0x100000000: not a cgroup namespace inode number (decimal or 0x hex, 32 bits)",
            "/p/camflow.ini:18: [cgroup] opaque=abc: not a cgroup namespace inode number (decimal or 0x hex, 32 bits)",
            "/p/camflow.ini:20: [secctx] track=\(String(repeating: "s", count: 256)): longer than 255 bytes",
            "/p/camflow.ini:22: [ipv4\u{2212}egress] record=1.2.3.4/8: not an address/prefix:port (e.g. 192.168.0.0/16:80)",
            "/p/camflow.ini:24: [relay] buff_exp=25: out of range 13...24",
            "/p/camflow.ini:25: [relay] subuf_nb=1: out of range 2...256",
        ])
    }

    func testNormalizedIniReadsBackToTheSamePolicy() throws {
        let text = """
            [provenance]
            enabled=true
            node_filter=directory
            relation_filter=read
            propagate_node_filter=file
            propagate_relation_filter=write
            [compression]
            node=true
            [file]
            opaque=/usr/bin/bash
            [ipv4\u{2212}ingress]
            record=127.0.0.1/32:80
            [user]
            track=root
            [cgroup]
            track=77
            [secctx]
            opaque=b
            [relay]
            buff_exp=16
            """
        let first = load(text).configuration
        let second = load(first.iniText).configuration
        XCTAssertEqual(first.steps.map(\.action), second.steps.map(\.action))
        XCTAssertEqual(first.relay, second.relay)
        XCTAssertEqual(second.relay.buffExp, 16)
        XCTAssertTrue(first.iniText.contains("[ipv4-ingress]\nrecord=127.0.0.1/32:80\n"), first.iniText)
    }
}
