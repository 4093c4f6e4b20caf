import CProvenanceABI
import Foundation
import TestSupport
import XCTest

/// `camflow configure`: --check lists every problem, --apply validates
/// everything first, applies in order and reports refused entries with
/// file:line; `camflow ctl -c` output re-imports to the same writes.
final class ConfigureCommandTests: XCTestCase {
    func configure(_ tree: FakeSecurityFS, _ s: TempDir, _ args: [String]) throws -> CLI.Result {
        try tree.run(["configure"] + args + ["--machine-id-file", s.path + "/mid", "--boot-id-file", s.path + "/bid"])
    }

    func testCheckListsEveryProblem() throws {
        let s = try TempDir("camflow-cli")
        let ini = s.text("camflow.ini", """
            [provenance]
            enabled=perhaps
            node_filter=bogus
            colour=blue
            [file]
            track=/no/such/file-camflow
            opaque=/etc/hostname
            [user]
            track=no-such-user-camflow
            [ipv4-ingress]
            track=1.2.3.4:80
            [relay]
            subuf_nb=0
            """)
        let r = try CLI.run(["configure", "--check", "--file", ini])
        XCTAssertEqual(r.status, 1)
        XCTAssertEqual(r.stdout, "")
        XCTAssertEqual(r.stderrLines, [
            "camflow: error: \(ini):2: [provenance] enabled=perhaps: not a boolean (true or false)",
            "camflow: error: \(ini):3: [provenance] node_filter=bogus: unknown node type",
            "camflow: error: \(ini):9: [user] track=no-such-user-camflow: no such user",
            "camflow: error: \(ini):11: [ipv4-ingress] track=1.2.3.4:80: not an address/prefix:port (e.g. 192.168.0.0/16:80)",
            "camflow: error: \(ini):13: [relay] subuf_nb=0: out of range 2...256",
            "camflow: error: \(ini):6: [file] track=/no/such/file-camflow: No such file or directory",
            "camflow: warning: \(ini):4: unknown key 'colour' in [provenance] (ignored)",
            "camflow: error: \(ini): 7 problem(s)",
        ])
    }

    func testCheckOfAGoodFile() throws {
        let s = try TempDir("camflow-cli")
        let ini = s.text("camflow.ini", "[provenance]\nenabled=true\n[file]\nopaque=/etc/hostname\n")
        let r = try CLI.run(["configure", "--check", "--config", ini])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, "\(ini): no problems\n")
        XCTAssertEqual(r.stderr, "")
        let both = try CLI.run(["configure", "--check", "--apply", "--file", ini])
        XCTAssertNotEqual(both.status, 0)
        XCTAssertTrue(both.stderr.contains("--apply and --check cannot be used together"), both.stderr)
    }

    /// `camconfd` applies unless asked to check.
    func testCamconfdCheckDoesNotApply() throws {
        let s = try TempDir("camflow-cli")
        let tree = FakeSecurityFS(in: s)
        let camconfd = s.path + "/camconfd"
        try FileManager.default.createSymbolicLink(atPath: camconfd, withDestinationPath: CLI.binary)
        let ini = s.text("camflow.ini", "[provenance]\nenabled=true\n")
        let r = try CLI.run(["--check", "--file", ini], executable: camconfd)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, "\(ini): no problems\n")
        let applied = try CLI.run(["--file", ini, "--securityfs-root", tree.root,
                                   "--machine-id-file", s.path + "/mid", "--boot-id-file", s.path + "/bid"],
                                  executable: camconfd)
        XCTAssertEqual(applied.status, 0, applied.stderr)
        XCTAssertEqual(tree.bytes("enable"), Array("1\n".utf8))
    }

    func testApplyWithABadLineAppliesNothing() throws {
        let s = try TempDir("camflow-cli")
        let tree = FakeSecurityFS(in: s)
        let ini = s.text("camflow.ini", "[provenance]\nenabled=true\nnode_filter=char\n[compression]\nedge=sometimes\n")
        let r = try configure(tree, s, ["--apply", "--file", ini])
        XCTAssertEqual(r.status, 1)
        XCTAssertEqual(r.stderrLines, [
            "camflow: error: \(ini):5: [compression] edge=sometimes: not a boolean (true or false)",
        ])
        XCTAssertEqual(tree.writes(), [:])
    }

    func testRefusedEntryIsReportedAndTheRestApplied() throws {
        let s = try TempDir("camflow-cli")
        let tree = FakeSecurityFS(in: s)
        try FileManager.default.removeItem(atPath: tree.root + "/uid")
        let ini = s.text("camflow.ini", "[provenance]\nenabled=true\n[user]\ntrack=root\n[group]\ntrack=root\n")
        let r = try configure(tree, s, ["--apply", "--file", ini])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderrLines.contains(
            "camflow: error: \(ini):4: [user] track=root: cannot open \(tree.root)/uid: No such file or directory"), r.stderr)
        XCTAssertTrue(r.stderrLines.contains { $0.hasSuffix("3 setting(s) applied, 1 failed (from \(ini))") }, r.stderr)
        XCTAssertEqual(tree.bytes("gid"), Bytes.id(0, op: 1))
        XCTAssertEqual(tree.bytes("enable"), Array("1\n".utf8))
        XCTAssertEqual(tree.bytes("relay_conf").count, 16)
    }

    func testWithoutFlagsPrintsTheNormalizedPolicy() throws {
        let s = try TempDir("camflow-cli")
        let ini = s.text("camflow.ini", "[ipv4\u{2212}egress]\nrecord=0.0.0.0/0:80\n[provenance]\nall=yes\n")
        let r = try CLI.run(["configure", "--file", ini])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, """
            ; \(ini): valid
            [provenance]
            machine_id=0
            enabled=false
            all=true

            [ipv4-egress]
            record=0.0.0.0/0:80

            [relay]
            buff_exp=20
            subuf_nb=8

            """)
    }

    /// ini → configure → (kernel state) → ctl -c → configure gives the same writes.
    func testCtlConfigOutputReimportsToTheSameWrites() throws {
        let s = try TempDir("camflow-cli")
        let first = FakeSecurityFS(in: s, name: "first")
        let ini = s.text("camflow.ini", """
            [provenance]
            enabled=true
            all=false
            node_filter=inode_unknown
            node_filter=directory
            node_filter=envp
            relation_filter=named
            relation_filter=write
            relation_filter=read
            propagate_node_filter=file
            propagate_relation_filter=write
            [compression]
            version=true
            node=true
            edge=false
            duplicate=true
            [ipv4\u{2212}ingress]
            track=10.0.0.0/8:0
            record=127.0.0.1/32:80
            [ipv4-egress]
            propagate=192.168.1.0/24:443
            [user]
            track=root
            [group]
            opaque=root
            [cgroup]
            propagate=4026531835
            [secctx]
            opaque=system_u:object_r:etc_t:s0
            [network]
            label=true
            """)
        let applied = try configure(first, s, ["--apply", "--file", ini])
        XCTAssertEqual(applied.status, 0, applied.stderr)
        let writes = first.writes(excluding: ["relay_conf"])

        // The kernel's state after those writes: filters OR their bits,
        // booleans keep the last value, lists hold their (distinct) entries.
        let state = FakeSecurityFS(in: s, name: "state")
        state.fillState()
        for name in FakeSecurityFS.filters {
            var bits: UInt64 = 0
            let w = writes[name] ?? []
            for offset in stride(from: 0, to: w.count, by: 24) where w[offset + 16] == 1 {
                let filter = w[offset..<offset + 8].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
                bits |= filter & 0xFFFF_FFFF_FFFF
            }
            state.put(name, Bytes().u64(bits).array)
        }
        for name in ["enable", "all", "should_version", "compress_node", "compress_edge", "duplicate", "label"] {
            state.put(name, Array((writes[name] ?? []).suffix(2)))
        }
        for name in ["uid", "gid", "ns", "secctx_filter", "ipv4_ingress", "ipv4_egress"] {
            state.put(name, writes[name] ?? [])
        }
        let exported = try state.run(["-c"])
        XCTAssertEqual(exported.status, 0, exported.stderr)
        XCTAssertEqual(exported.stdout, """
            ;Auto-generated configuration
            [provenance]
            machine_id=0
            enabled=true
            all=false
            node_filter=inode_unknown
            node_filter=directory
            node_filter=envp
            relation_filter=named
            relation_filter=write
            relation_filter=read
            propagate_node_filter=file
            propagate_relation_filter=write

            [compression]
            version=true
            node=true
            edge=false
            duplicate=true

            [ipv4-ingress]
            track=10.0.0.0/8:0
            record=127.0.0.1/32:80

            [ipv4-egress]
            propagate=192.168.1.0/24:443

            [user]
            track=root

            [group]
            opaque=root

            [cgroup]
            propagate=4026531835

            [secctx]
            opaque=system_u:object_r:etc_t:s0

            [network]
            label=true

            """)
        let reimport = s.text("exported.ini", exported.stdout)
        let check = try CLI.run(["configure", "--check", "--file", reimport])
        XCTAssertEqual(check.status, 0, check.stderr)
        let second = FakeSecurityFS(in: s, name: "second")
        let again = try configure(second, s, ["--apply", "--file", reimport])
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertEqual(second.writes(excluding: ["relay_conf"]), writes)
        XCTAssertEqual(writes.count, 19)  // 7 switches, 6 filter files, 6 lists
    }
}
