import Foundation
import TestSupport
import XCTest

/// `camflow inspect` without logs: the capture state, as `ctl -s` prints it
/// and as one JSON object, read from a securityfs stand-in.
final class InspectStateTests: XCTestCase {
    func testStateTextIsTheCtlState() throws {
        let s = try TempDir("camflow-cli")
        let tree = FakeSecurityFS(in: s)
        tree.fillState(enabled: true, all: false)
        tree.put("node_filter", Bytes().u64(0x4000640).array)
        let ctl = try tree.run(["-s"])
        XCTAssertEqual(ctl.status, 0, ctl.stderr)
        let inspect = try tree.run(["inspect"])
        XCTAssertEqual(inspect.status, 0, inspect.stderr)
        XCTAssertEqual(inspect.stdout, ctl.stdout)
        XCTAssertTrue(inspect.stdout.contains("Machine id: 2887429013\n"), inspect.stdout)
        XCTAssertTrue(inspect.stdout.contains("directory\n"), inspect.stdout)
    }

    func testStateAsJSON() throws {
        let s = try TempDir("camflow-cli")
        let tree = FakeSecurityFS(in: s)
        tree.fillState(enabled: false, all: true)
        let result = try tree.run(["inspect", "--json"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(object["machine_id"] as? Int, 2_887_429_013, result.stdout)
        XCTAssertEqual(object["enabled"] as? Bool, false, result.stdout)
        XCTAssertEqual(object["all"] as? Bool, true, result.stdout)
    }

    func testNoLSMAndMisplacedJSONAreOneLineErrors() throws {
        let s = try TempDir("camflow-cli")
        let missing = try CLI.run(["inspect", "--securityfs-root", s.path + "/none"])
        XCTAssertEqual(missing.status, 1)
        XCTAssertEqual(missing.stderrLines.count, 1, missing.stderr)
        XCTAssertTrue(missing.stderr.contains("provenance LSM not present"), missing.stderr)
        let misplaced = try CLI.run(["inspect", "--json", "some.log"])
        XCTAssertEqual(misplaced.status, 1)
        XCTAssertTrue(misplaced.stderr.contains("--json prints the capture state"), misplaced.stderr)
    }
}
