import CProvenanceABI
import Foundation
import TestSupport
import XCTest

/// `camflow ctl` (and `camflow <flag>`): exact bytes written for every flag,
/// exact output texts, one clear error with exit 1 for every bad value.
final class CtlTests: XCTestCase {
    func assertSuccess(_ r: CLI.Result, stdout: String = "", file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(r.status, 0, r.stderr, file: file, line: line)
        XCTAssertEqual(r.stderr, "", file: file, line: line)
        XCTAssertEqual(r.stdout, stdout, file: file, line: line)
    }

    func testEveryChangingFlagWritesItsExactBytes() throws {
        let s = try TempDir("camflow-cli")
        let tree = FakeSecurityFS(in: s)
        let cases: [([String], String, [UInt8])] = [
            (["-e", "true"], "enable", Array("1\n".utf8)),
            (["-e", "false"], "enable", Array("0\n".utf8)),
            (["-a", "true"], "all", Array("1\n".utf8)),
            (["--enable-version", "false"], "should_version", Array("0\n".utf8)),
            (["--versioning", "true"], "should_version", Array("1\n".utf8)),
            (["--compress-node", "true"], "compress_node", Array("1\n".utf8)),
            (["--compress-edge", "false"], "compress_edge", Array("0\n".utf8)),
            (["--duplicate", "true"], "duplicate", Array("1\n".utf8)),
            (["--track-file", "/tmp/f", "propagate"], "file", Bytes.file("/tmp/f", op: 5, flags: 5)),
            (["--track-file", "/tmp/f", "true"], "file", Bytes.file("/tmp/f", op: 1, flags: 1)),
            (["--track-file", "/tmp/f", "false"], "file", Bytes.file("/tmp/f", op: 5, flags: 0)),
            (["--opaque-file", "/bin/sh", "true"], "file", Bytes.file("/bin/sh", op: 2, flags: 2)),
            (["--opaque-file", "/bin/sh", "false"], "file", Bytes.file("/bin/sh", op: 2, flags: 0)),
            (["--taint-file", "/tmp/f", "63"], "file", Bytes.file("/tmp/f", op: 8, flags: 0, taint: 1 << 63)),
            (["--label-file", "/tmp/f", "5"], "file", Bytes.file("/tmp/f", op: 8, flags: 0, taint: 1 << 5)),
            (["--label-file", "/tmp/f", "secret"], "file",
             Bytes.file("/tmp/f", op: 8, flags: 0, taint: 1 << (Self.fnv1a("secret") % 64))),
            (["--track-process", "42", "propagate"], "process", Bytes.process(42, op: 5, flags: 5)),
            (["--track-process", "42", "true"], "process", Bytes.process(42, op: 1, flags: 1)),
            (["--track-process", "42", "false"], "process", Bytes.process(42, op: 5, flags: 0)),
            (["--opaque-process", "1", "true"], "process", Bytes.process(1, op: 2, flags: 2)),
            (["--taint-process", "9", "0"], "process", Bytes.process(9, op: 8, flags: 0, taint: 1)),
            (["--label-process", "9", "secret"], "process",
             Bytes.process(9, op: 8, flags: 0, taint: 1 << (Self.fnv1a("secret") % 64))),
            (["--track-secctx", "system_u:object_r:etc_t:s0", "opaque"], "secctx_filter",
             Bytes.secctx("system_u:object_r:etc_t:s0", op: 2)),
            (["--track-secctx", "x", "delete"], "secctx_filter", Bytes.secctx("x", op: 0x10)),
            (["--track-cgroup", "4026531835", "track"], "ns", Bytes.ns(4_026_531_835, op: 1)),
            (["--track-cgroup", "0x10", "propagate"], "ns", Bytes.ns(16, op: 5)),
            (["--track-user", "root", "propagate"], "uid", Bytes.id(0, op: 5)),
            (["--track-user", "1234", "delete"], "uid", Bytes.id(1234, op: 0x10)),
            (["--track-group", "root", "opaque"], "gid", Bytes.id(0, op: 2)),
            (["--node-filter", "directory", "true"], "node_filter", Bytes.filter(ENT_INODE_DIRECTORY, add: true)),
            (["--node-filter", "envp", "false"], "node_filter", Bytes.filter(ENT_ENV, add: false)),
            (["--edge-filter", "read", "true"], "used_filter", Bytes.filter(RL_READ, add: true)),
            (["--edge-filter", "write", "false"], "generated_filter", Bytes.filter(RL_WRITE, add: false)),
            (["--node-propagate-filter", "file", "true"], "propagate_node_filter", Bytes.filter(ENT_INODE_FILE, add: true)),
            (["--edge-propagate-filter", "named", "true"], "propagate_derived_filter", Bytes.filter(RL_NAMED, add: true)),
            (["--change-epoch"], "epoch", Array("1\n".utf8)),
        ]
        for (args, file, expected) in cases {
            tree.put(file, [])
            for prefix in [["ctl"], []] {  // `camflow ctl FLAG` and legacy `camflow FLAG`
                tree.put(file, [])
                let r = try tree.run(prefix + args)
                assertSuccess(r)
                XCTAssertEqual(tree.bytes(file), expected, "\(prefix + args)")
            }
        }
        XCTAssertEqual(tree.writes(excluding: Set(cases.map(\.1))), [:], "no other file written")
    }

    func testIPv4FlagsWriteAndWarn() throws {
        let s = try TempDir("camflow-cli")
        let tree = FakeSecurityFS(in: s)
        let notice = "Only apply to newly created connection.\n"
        assertSuccess(try tree.run(["--track-ipv4-ingress", "127.0.0.1/32:80", "record"]), stdout: notice)
        assertSuccess(try tree.run(["ctl", "--track-ipv4-ingress", "10.0.0.0/8:0", "track"]), stdout: notice)
        assertSuccess(try tree.run(["--track-ipv4-egress", "192.168.1.0/24:443", "propagate"]), stdout: notice)
        assertSuccess(try tree.run(["--track-ipv4-egress", "192.168.1.0/24:443", "delete"]), stdout: notice)
        XCTAssertEqual(tree.bytes("ipv4_ingress"),
                       Bytes.ipv4([127, 0, 0, 1], [255, 255, 255, 255], port: 80, op: 0x21)
                       + Bytes.ipv4([10, 0, 0, 0], [255, 0, 0, 0], port: 0, op: 0x01))
        XCTAssertEqual(tree.bytes("ipv4_egress"),
                       Bytes.ipv4([192, 168, 1, 0], [255, 255, 255, 0], port: 443, op: 0x05)
                       + Bytes.ipv4([192, 168, 1, 0], [255, 255, 255, 0], port: 443, op: 0x10))
    }

    func testResetFilterClearsAllTen() throws {
        let s = try TempDir("camflow-cli")
        let tree = FakeSecurityFS(in: s)
        assertSuccess(try tree.run(["--reset-filter"]))
        for name in FakeSecurityFS.filters {
            XCTAssertEqual(tree.bytes(name), Bytes.filter(0x0000_FFFF_FFFF_FFFF, add: false), name)
        }
    }

    func testStateOutputIsTheReferenceLayout() throws {
        let s = try TempDir("camflow-cli")
        let tree = FakeSecurityFS(in: s)
        tree.fillState(hash: [0x3A, 0x07, 0x0C, 0xFF, 0x00] + [UInt8](repeating: 0xAB, count: 27))
        tree.put("node_filter", Bytes().u64((ENT_INODE_UNKNOWN | ENT_INODE_DIRECTORY | ENT_INODE_CHAR | ENT_ENV) & 0xFFFF_FFFF_FFFF).array)
        tree.put("used_filter", Bytes().u64(RL_READ & 0xFFFF_FFFF_FFFF).array)
        tree.put("propagate_generated_filter", Bytes().u64(RL_WRITE & 0xFFFF_FFFF_FFFF).array)
        tree.put("ipv4_ingress", Bytes.ipv4([127, 0, 0, 1], [255, 255, 255, 255], port: 80, op: 0x21)
                 + Bytes.ipv4([10, 0, 0, 0], [255, 0, 0, 0], port: 0, op: 0x05))
        tree.put("secctx_filter", Bytes.secctx("system_u:object_r:etc_t:s0", op: 0x02))
        tree.put("ns", Bytes.ns(4_026_531_835, op: 0x01))
        tree.put("uid", Bytes.id(0, op: 0x05) + Bytes.id(4_000_000_000, op: 0x02))
        tree.put("gid", Bytes.id(0, op: 0x01))
        let hash = "3A7CFF0" + String(repeating: "AB", count: 27)
        let before = tree.writes()
        let expected = """
            Machine id: 2887429013
            Policy hash: \(hash)
            Provenance capture:
            - capture enabled;
            - all disabled;
            - provenance has been captured;
            - node compression enabled;
            - edge compression disabled;
            - duplication disabled;
            - packet labelling disabled;

            Node filter (4000640):
            inode_unknown
            directory
            char
            envp
            Derived filter (0):
            Generated filter (0):
            Used filter (\(String(RL_READ & 0xFFFF_FFFF_FFFF, radix: 16))):
            read
            Informed filter (0):

            Propagate node filter (0):
            Propagate derived filter (0):
            Propagate generated filter (\(String(RL_WRITE & 0xFFFF_FFFF_FFFF, radix: 16))):
            write
            Propagate used filter (0):
            Propagate informed filter (0):

            IPv4 ingress filter (2).
            127.0.0.1/32:80 track record
            10.0.0.0/8:0 propagate
            IPv4 egress filter (0).
            Security context filter (1).
            system_u:object_r:etc_t:s0 opaque
            Namespace filter (1).
            4026531835 track
            User filter (2).
            root propagate
            4000000000 opaque
            Group filter (1).
            root track

            """
        assertSuccess(try tree.run(["-s"]), stdout: expected)
        assertSuccess(try tree.run(["ctl", "-s"]), stdout: expected)
        assertSuccess(try tree.run(["-p"]), stdout: hash + "\n")
        assertSuccess(try tree.run(["--drop"]), stdout: "Graph elements dropped: \t\t17\n")
        assertSuccess(try tree.run(["-v"]), stdout: "CamFlow v0.1.0\nkernel commit: unknown\n\ncamflow 0.1.0 (Swift userspace)\n\n")
        tree.put("commit", "0123abc\n")
        assertSuccess(try tree.run(["-v"]), stdout: "CamFlow v0.1.0\nkernel commit: 0123abc\n\ncamflow 0.1.0 (Swift userspace)\n\n")
        XCTAssertEqual(tree.writes(), before, "reading the state writes nothing")
    }

    func testFileAndProcessDisplay() throws {
        let s = try TempDir("camflow-cli")
        let tree = FakeSecurityFS(in: s)
        let fileState = Bytes.state(type: ENT_INODE_FILE, id: 1234, boot: 2, machine: 77, version: 5,
                                    flags: 0x05, taint: 0x1_0000_00AB)
        tree.put("file", fileState)
        let r = try tree.run(["--file", "/etc/hostname"])
        let id = Data(fileState.prefix(32)).base64EncodedString()
        assertSuccess(r, stdout: """
            Identifier: \(id)
            Type: file
            ID: 1234
            Boot ID: 2
            Machine ID: 77
            Version: 5
            Taint: 1000000AB

            File is tracked.
            File is not opaque.
            File propagates tracking.

            """)
        XCTAssertEqual(Array(tree.bytes("file").dropFirst(48)), Bytes.file("/etc/hostname", op: 0, flags: 0))
        let procState = Bytes.state(type: ENT_PROC, id: 9, boot: 2, machine: 77, version: 3, flags: 0x02, taint: 0)
        tree.put("process", procState)
        assertSuccess(try tree.run(["ctl", "--process", "321"]), stdout: """
            Identifier: \(Data(procState.prefix(32)).base64EncodedString())
            Type: \(ENT_PROC)
            ID: 9
            Boot ID: 2
            Machine ID: 77
            Taint: 0

            Process is not tracked.
            Process is opaque.
            Process is not propagating tracking.

            """)
        XCTAssertEqual(Array(tree.bytes("process").dropFirst(48)), Bytes.process(321, op: 0, flags: 0))
    }

    func testBadValuesGiveOneClearErrorAndWriteNothing() throws {
        let s = try TempDir("camflow-cli")
        let tree = FakeSecurityFS(in: s)
        let cases: [([String], String)] = [
            (["-e", "maybe"], "-e maybe: expected a boolean (true or false), got 'maybe'"),
            (["-a"], "-a: expected <bool>"),
            (["-e", "true", "extra"], "-e: unexpected argument 'extra'"),
            (["--compress-node", "yes"], "--compress-node yes: expected a boolean (true or false), got 'yes'"),
            (["--track-file", "/x", "maybe"], "--track-file /x maybe: expected false, true or propagate, got 'maybe'"),
            (["--track-file", "", "true"], "--track-file  true: empty file name"),
            (["--taint-file", "/x", "64"], "--taint-file /x 64: Tag bit must be set between 0 and 63 (got '64')."),
            (["--taint-process", "1", "-1"], "--taint-process 1 -1: Tag bit must be set between 0 and 63 (got '-1')."),
            (["--label-file", "/x", "99"], "--label-file /x 99: a label is a taint bit 0-63 or a word, got '99'"),
            (["--track-process", "0", "true"], "--track-process 0 true: '0' is not a process id (a positive decimal number)"),
            (["--process", "abc"], "--process abc: 'abc' is not a process id (a positive decimal number)"),
            (["--opaque-process", "99999999999", "true"],
             "--opaque-process 99999999999 true: '99999999999' is not a process id (a positive decimal number)"),
            (["--track-ipv4-ingress", "1.2.3.4/33:80", "track"],
             "--track-ipv4-ingress 1.2.3.4/33:80 track: '1.2.3.4/33:80' is not an address/prefix:port (e.g. 192.168.0.0/16:80)"),
            (["--track-ipv4-egress", "1.2.3.4/8:80", "opaque"],
             "--track-ipv4-egress 1.2.3.4/8:80 opaque: expected one of track, propagate, record, delete, got 'opaque'"),
            (["--track-secctx", "x", "record"],
             "--track-secctx x record: expected one of track, propagate, opaque, delete, got 'record'"),
            (["--track-secctx", String(repeating: "c", count: 256), "track"],
             "--track-secctx \(String(repeating: "c", count: 256)) track: security context longer than 255 bytes"),
            (["--track-cgroup", "zero", "track"],
             "--track-cgroup zero track: 'zero' is not a cgroup namespace inode number (decimal or 0x hex, 32 bits)"),
            (["--track-user", "no-such-user-camflow", "track"], "--track-user no-such-user-camflow track: no such user 'no-such-user-camflow'"),
            (["--track-group", "no-such-group-camflow", "track"],
             "--track-group no-such-group-camflow track: no such group 'no-such-group-camflow'"),
            (["--node-filter", "bogus", "true"], "--node-filter bogus true: invalid node type 'bogus'"),
            (["--edge-filter", "bogus", "true"], "--edge-filter bogus true: invalid relation type 'bogus'"),
            (["--edge-filter", "ran_on", "true"],
             "--edge-filter ran_on true: relations of type 'ran_on' cannot be filtered (family associated)"),
            (["--node-filter", "file", "1"], "--node-filter file 1: expected a boolean (true or false), got '1'"),
            (["--channel", "x"], "--channel x: --channel was removed with the multi-channel relay; records go to the provenance relay files"),
            (["ctl", "--no-such-flag"], "unknown flag '--no-such-flag' (camflow ctl -h lists them)"),
            (["ctl"], "no flag given (camflow ctl -h lists them)"),
        ]
        for (args, message) in cases {
            let r = try tree.run(args)
            XCTAssertEqual(r.status, 1, "\(args)")
            XCTAssertEqual(r.stderr, "camflow: error: \(message)\n", "\(args)")
            XCTAssertEqual(r.stdout, "", "\(args)")
        }
        XCTAssertEqual(tree.writes(), [:])
    }

    func testKernelRefusalIsReportedWithTheReferenceText() throws {
        let s = try TempDir("camflow-cli")
        let tree = FakeSecurityFS(in: s)
        try FileManager.default.removeItem(atPath: tree.root + "/uid")
        try FileManager.default.removeItem(atPath: tree.root + "/file")
        var r = try tree.run(["--track-user", "root", "track"])
        XCTAssertEqual(r.status, 1)
        XCTAssertEqual(r.stderr, "camflow: error: --track-user root track: Could not change user filter: cannot open \(tree.root)/uid: No such file or directory\n")
        r = try tree.run(["--file", "/etc/passwd"])
        XCTAssertEqual(r.status, 1)
        XCTAssertEqual(r.stderr, "camflow: error: --file /etc/passwd: Could not read file provenance information: cannot open \(tree.root)/file: No such file or directory\n")
        try FileManager.default.removeItem(atPath: tree.root + "/informed_filter")
        r = try tree.run(["--reset-filter"])
        XCTAssertEqual(r.status, 1)
        XCTAssertEqual(r.stderr, "camflow: error: --reset-filter: Could not reset the filters: cannot open \(tree.root)/informed_filter: No such file or directory\n")
        XCTAssertEqual(tree.bytes("propagate_informed_filter"), Bytes.filter(0x0000_FFFF_FFFF_FFFF, add: false),
                       "the other filters are still reset")
    }

    func testMissingLSM() throws {
        let s = try TempDir("camflow-cli")
        let r = try CLI.run(["-s", "--securityfs-root", s.path + "/none"])
        XCTAssertEqual(r.status, 1)
        XCTAssertEqual(r.stderr, "camflow: error: It appears CamFlow has not been installed on your machine: \(s.path)/none/enable is missing (please verify you are booted under the correct kernel version)\n")
    }

    func testUsageListsEveryFlag() throws {
        let r = try CLI.run(["ctl", "-h"])
        XCTAssertEqual(r.status, 0)
        XCTAssertTrue(r.stdout.hasPrefix("-h\n usage.\n\n-v\n version.\n\n-s\n print provenance capture state.\n\n"), r.stdout)
        for entry in ["-e <bool>\n enable/disable provenance capture.\n\n",
                      "--track-file <filename> <false/true/propagate>\n set tracking.\n\n",
                      "--taint-file <filename> <int [0-63]>\n applies taint to the file.\n\n",
                      "--track-ipv4-ingress <ip/mask:port> <track/propagate/record/delete>\n track/propagate on bind.\n\n",
                      "--track-user <user name> <track/propagate/opaque/delete>\n track/propagate based on user.\n\n",
                      "--drop\n display information about dropped graph elements.\n\n"] {
            XCTAssertTrue(r.stdout.contains(entry), entry)
        }
        for flag in ["-c", "-p", "-a", "--enable-version", "--compress-node", "--compress-edge", "--duplicate", "--file",
                     "--label-file", "--opaque-file", "--process", "--track-process", "--taint-process", "--label-process",
                     "--opaque-process", "--track-ipv4-egress", "--track-secctx", "--track-cgroup", "--track-group",
                     "--node-filter", "--edge-filter", "--node-propagate-filter", "--edge-propagate-filter",
                     "--reset-filter", "--change-epoch", "--securityfs-root"] {
            XCTAssertTrue(r.stdout.contains("\n\(flag)"), flag)
        }
        let help = try CLI.run(["--help"])
        XCTAssertEqual(help.status, 0)
        for sub in ["record", "configure", "ctl"] { XCTAssertTrue(help.stdout.contains("  \(sub) "), help.stdout) }
    }

    /// FNV-1a 64 (the label hash documented in docs/user-guide.md).
    static func fnv1a(_ s: String) -> UInt64 {
        var h: UInt64 = 14_695_981_039_346_656_037
        for b in s.utf8 { h = (h ^ UInt64(b)) &* 1_099_511_628_211 }
        return h
    }
}
