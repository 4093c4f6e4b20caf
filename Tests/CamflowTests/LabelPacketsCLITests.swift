import Foundation
import TestSupport
import XCTest

/// Packet labelling from the command line: `camflow ctl --label-packets`
/// writes securityfs `label`, `ctl -s` shows it, `camflow configure`
/// applies `[network] label`; bad values and a kernel without the `label`
/// file give one clear error and exit 1.
final class LabelPacketsCLITests: XCTestCase {
    func configure(_ tree: FakeSecurityFS, _ s: TempDir, _ args: [String]) throws -> CLI.Result {
        try tree.run(["configure"] + args + ["--machine-id-file", s.path + "/mid", "--boot-id-file", s.path + "/bid"])
    }

    func testCtlWritesTheBoolean() throws {
        let s = try TempDir("camflow-cli")
        let tree = FakeSecurityFS(in: s)
        for (prefix, word, expected) in [(["ctl"], "true", "1\n"), (["ctl"], "false", "0\n"), ([], "true", "1\n")] {
            tree.put("label", [])
            let r = try tree.run(prefix + ["--label-packets", word])
            XCTAssertEqual(r.status, 0, r.stderr)
            XCTAssertEqual(r.stdout + r.stderr, "")
            XCTAssertEqual(tree.bytes("label"), Array(expected.utf8), "\(prefix) \(word)")
        }
        XCTAssertEqual(tree.writes(excluding: ["label"]), [:], "no other file written")
    }

    func testCtlBadValuesAreOneClearError() throws {
        let s = try TempDir("camflow-cli")
        let tree = FakeSecurityFS(in: s)
        let cases: [([String], String)] = [
            (["--label-packets", "yes"], "--label-packets yes: expected a boolean (true or false), got 'yes'"),
            (["--label-packets", "1"], "--label-packets 1: expected a boolean (true or false), got '1'"),
            (["--label-packets"], "--label-packets: expected <bool>"),
            (["--label-packets", "true", "now"], "--label-packets: unexpected argument 'now'"),
        ]
        for (args, message) in cases {
            let r = try tree.run(["ctl"] + args)
            XCTAssertEqual(r.status, 1, "\(args)")
            XCTAssertEqual(r.stderr, "camflow: error: \(message)\n", "\(args)")
            XCTAssertEqual(r.stdout, "")
        }
        XCTAssertEqual(tree.writes(), [:])
    }

    func testCtlOnAKernelWithoutLabelling() throws {
        let s = try TempDir("camflow-cli")
        let tree = FakeSecurityFS(in: s)
        try tree.remove("label")
        for word in ["true", "false"] {
            let r = try tree.run(["ctl", "--label-packets", word])
            XCTAssertEqual(r.status, 1)
            XCTAssertEqual(r.stderr, "camflow: error: --label-packets \(word): this kernel has no packet labelling (\(tree.root)/label is missing)\n")
            XCTAssertFalse(FileManager.default.fileExists(atPath: tree.root + "/label"), "nothing created")
        }
        // a bad value is still named first
        let bad = try tree.run(["ctl", "--label-packets", "maybe"])
        XCTAssertEqual(bad.stderr, "camflow: error: --label-packets maybe: expected a boolean (true or false), got 'maybe'\n")
    }

    func testStateShowsLabelling() throws {
        let s = try TempDir("camflow-cli")
        let tree = FakeSecurityFS(in: s)
        tree.fillState(label: true)
        var r = try tree.run(["ctl", "-s"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("- duplication disabled;\n- packet labelling enabled;\n\nNode filter"), r.stdout)
        r = try tree.run(["-c"])
        XCTAssertTrue(r.stdout.hasSuffix("\n[network]\nlabel=true\n"), r.stdout)
        r = try tree.run(["inspect", "--json"])
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(object["label"] as? Bool, true, r.stdout)

        tree.fillState(label: nil)
        r = try tree.run(["-s"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("- duplication disabled;\n\nNode filter"), "no line without the file: \(r.stdout)")
        r = try tree.run(["inspect", "--json"])
        let without = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        XCTAssertTrue(without["label"] is NSNull, r.stdout)
    }

    func testUsageListsTheFlag() throws {
        let r = try CLI.run(["ctl", "-h"])
        XCTAssertTrue(r.stdout.contains(
            "\n--label-packets <bool>\n activate/deactivate in-band provenance labels on the packets of recorded sockets.\n\n"),
            r.stdout)
    }

    func testConfigureAppliesTheKey() throws {
        let s = try TempDir("camflow-cli")
        let tree = FakeSecurityFS(in: s)
        let ini = s.text("camflow.ini", "[provenance]\nenabled=true\n[network]\nlabel=on\n")
        let r = try configure(tree, s, ["--apply", "--file", ini])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(tree.bytes("label"), Array("1\n".utf8))
        XCTAssertTrue(r.stderrLines.contains { $0.contains("capture enabled=true all=false label=true; 3 setting(s) applied, 0 failed") },
                      r.stderr)
        let printed = try CLI.run(["configure", "--file", ini])
        XCTAssertTrue(printed.stdout.contains("\n[network]\nlabel=true\n"), printed.stdout)
    }

    func testConfigureBadValueAppliesNothing() throws {
        let s = try TempDir("camflow-cli")
        let tree = FakeSecurityFS(in: s)
        let ini = s.text("camflow.ini", "[provenance]\nenabled=true\n[network]\nlabel=sometimes\n")
        let r = try configure(tree, s, ["--apply", "--file", ini])
        XCTAssertEqual(r.status, 1)
        XCTAssertEqual(r.stderrLines, ["camflow: error: \(ini):4: [network] label=sometimes: not a boolean (true or false)"])
        XCTAssertEqual(tree.writes(), [:])
        let check = try CLI.run(["configure", "--check", "--file", ini])
        XCTAssertEqual(check.status, 1)
        XCTAssertTrue(check.stderrLines.contains("camflow: error: \(ini):4: [network] label=sometimes: not a boolean (true or false)"),
                      check.stderr)
    }

    func testConfigureOnAKernelWithoutLabelling() throws {
        let s = try TempDir("camflow-cli")
        let tree = FakeSecurityFS(in: s)
        try tree.remove("label")
        let on = s.text("on.ini", "[provenance]\nenabled=true\n[network]\nlabel=true\n")
        var r = try configure(tree, s, ["--apply", "--file", on])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderrLines.contains(
            "camflow: error: \(on):4: [network] label=true: this kernel has no packet labelling (\(tree.root)/label is missing)"),
            r.stderr)
        XCTAssertEqual(tree.bytes("enable"), Array("1\n".utf8), "the rest is applied")

        let off = s.text("off.ini", "[network]\nlabel=false\n")
        r = try configure(tree, s, ["--apply", "--file", off])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderrLines.contains(
            "camflow: warning: \(off):2: [network] label=false: this kernel has no packet labelling (\(tree.root)/label is missing); nothing to turn off"),
            r.stderr)
    }
}
