import Foundation
import TestSupport
import XCTest

/// The built binary: argv[0] dispatch, help, and one clear error line with
/// exit status 1 for each broken set-up.
final class CLIErrorTests: XCTestCase {
    func assertOneLineError(_ result: CLI.Result, mentions: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(result.status, 1, result.stderr, file: file, line: line)
        XCTAssertEqual(result.stderrLines.count, 1, "stderr: \(result.stderr)", file: file, line: line)
        XCTAssertTrue(result.stderr.contains(mentions), "stderr: \(result.stderr)", file: file, line: line)
        XCTAssertTrue(result.stderr.contains("error:"), result.stderr, file: file, line: line)
    }

    func testHelpListsSubcommands() throws {
        let result = try CLI.run(["--help"])
        XCTAssertEqual(result.status, 0)
        XCTAssertTrue(result.stdout.contains("record"), result.stdout)
        XCTAssertTrue(result.stdout.contains("configure"), result.stdout)
        XCTAssertTrue(result.stdout.contains("inspect"), result.stdout)
        let record = try CLI.run(["record", "--help"])
        for option in ["--config", "--relay-root", "--securityfs-root"] {
            XCTAssertTrue(record.stdout.contains(option), record.stdout)
        }
        let configure = try CLI.run(["configure", "--help"])
        for option in ["--apply", "--config", "--securityfs-root", "--machine-id-file", "--boot-id-file"] {
            XCTAssertTrue(configure.stdout.contains(option), configure.stdout)
        }
    }

    func testMissingConfig() throws {
        let s = try TempDir("camflow-cli")
        assertOneLineError(try CLI.run(["record", "--config", s.path + "/no-such.ini"]),
                           mentions: "cannot read configuration \(s.path)/no-such.ini: No such file or directory")
    }

    func testConfigIsADirectory() throws {
        let s = try TempDir("camflow-cli")
        assertOneLineError(try CLI.run(["record", "--config", s.path]),
                           mentions: "cannot read configuration \(s.path): Is a directory")
    }

    func testUnreadableConfig() throws {
        let s = try TempDir("camflow-cli")
        let config = s.recorderConfig()
        chmod(config, 0)
        defer { chmod(config, 0o644) }
        if getuid() == 0 {
            // root reads anyway: use a path below a file instead
            assertOneLineError(try CLI.run(["record", "--config", config + "/x"]), mentions: config + "/x")
        } else {
            assertOneLineError(try CLI.run(["record", "--config", config]), mentions: "\(config): Permission denied")
        }
    }

    func testBadConfigValueNamesTheKey() throws {
        let s = try TempDir("camflow-cli")
        let config = s.text("camflowd.ini", "[general]\noutput=mqtt\nformat=w3c\n[mqtt]\naddress=tcp://127.0.0.1:1883\nqos=3\n")
        assertOneLineError(try CLI.run(["record", "--config", config]),
                           mentions: "\(config):6: [mqtt] qos=3: not 0, 1 or 2")
    }

    func testUnwritableLogPath() throws {
        let s = try TempDir("camflow-cli")
        let config = s.text("camflowd.ini", "[general]\noutput=log\nformat=w3c\n[log]\npath=/no/such/dir/x.log\n")
        assertOneLineError(try CLI.run(["record", "--config", config, "--securityfs-root", s.securityFS()]),
                           mentions: "cannot open log file /no/such/dir/x.log: No such file or directory")
    }

    func testCannotMarkItselfOpaque() throws {
        let s = try TempDir("camflow-cli")
        let sec = s.securityFS()
        try FileManager.default.removeItem(atPath: sec + "/self")
        assertOneLineError(try CLI.run(["record", "--config", s.recorderConfig(), "--securityfs-root", sec]),
                           mentions: "cannot open \(sec)/self: No such file or directory")
    }

    func testMissingRelayFiles() throws {
        let s = try TempDir("camflow-cli")
        let result = try CLI.run(["record", "--config", s.recorderConfig(), "--securityfs-root", s.securityFS(),
                                  "--relay-root", s.dir("empty-relay")])
        assertOneLineError(result, mentions: "no relay files under \(s.path)/empty-relay (has `camflow configure --apply` run?)")
    }

    func testUnknownFlagIsAnError() throws {
        let result = try CLI.run(["record", "--no-such-flag"])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.contains("--no-such-flag"), result.stderr)
    }

    /// argv[0] `camflowd` runs record, `camconfd` runs configure --apply.
    func testArgv0Dispatch() throws {
        let s = try TempDir("camflow-cli")
        let camflowd = s.path + "/camflowd", camconfd = s.path + "/camconfd"
        try FileManager.default.createSymbolicLink(atPath: camflowd, withDestinationPath: CLI.binary)
        try FileManager.default.createSymbolicLink(atPath: camconfd, withDestinationPath: CLI.binary)

        let record = try CLI.run(["--config", s.path + "/missing.ini"], executable: camflowd)
        assertOneLineError(record, mentions: "cannot read configuration \(s.path)/missing.ini")
        XCTAssertTrue(record.stderr.hasPrefix("camflowd: error: "), record.stderr)

        let sec = s.securityFS()
        let policy = s.text("camflow.ini", "[provenance]\nmachine_id=77\nenabled=true\nall=true\n[relay]\nbuff_exp=14\nsubuf_nb=3\n")
        let configure = try CLI.run(["--config", policy, "--securityfs-root", sec,
                                     "--machine-id-file", s.path + "/mid", "--boot-id-file", s.path + "/bid"],
                                    executable: camconfd)
        XCTAssertEqual(configure.status, 0, configure.stderr)
        XCTAssertEqual(s.bytes("sec/relay_conf"), [1, 0, 0, 0, 77, 0, 0, 0, 14, 0, 0, 0, 3, 0, 0, 0])
        XCTAssertEqual(s.bytes("sec/enable"), Array("1\n".utf8))
        XCTAssertEqual(s.bytes("sec/all"), Array("1\n".utf8))
        XCTAssertEqual(s.bytes("bid"), [1, 0, 0, 0])
    }

    func testConfigureWithoutApplyOnlyChecks() throws {
        let s = try TempDir("camflow-cli")
        let policy = s.text("camflow.ini", "[provenance]\nenabled=true\n")
        let result = try CLI.run(["configure", "--config", policy, "--securityfs-root", s.securityFS()])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("enabled=true"), result.stdout)
        XCTAssertTrue(result.stdout.contains("buff_exp=20"), result.stdout)
        XCTAssertEqual(s.bytes("sec/enable"), [])
        let bad = s.text("bad.ini", "[relay]\nsubuf_nb=0\n")
        assertOneLineError(try CLI.run(["configure", "--apply", "--config", bad]),
                           mentions: "\(bad):2: [relay] subuf_nb=0: out of range 2...256")
    }

    func testConfigureApplyWithoutLSM() throws {
        let s = try TempDir("camflow-cli")
        let policy = s.text("camflow.ini", "[provenance]\nenabled=true\n")
        assertOneLineError(try CLI.run(["configure", "--apply", "--config", policy, "--securityfs-root", s.dir("nothing")]),
                           mentions: "provenance LSM not present: \(s.path)/nothing")
    }
}
