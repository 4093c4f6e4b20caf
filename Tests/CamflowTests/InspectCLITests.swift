import Foundation
import TestSupport
import XCTest

/// `camflow inspect` as a user runs it: the built binary on the fixture logs
/// (hand-made ones and an excerpt recorded in the VM), Graphviz and the
/// Python `prov` package on its outputs, and one clear error per bad input.
final class InspectCLITests: XCTestCase {
    static let logs: String = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/logs").path
    func log(_ name: String) -> String { Self.logs + "/" + name }

    func assertOneLineError(_ result: CLI.Result, mentions: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(result.status, 1, result.stderr, file: file, line: line)
        XCTAssertEqual(result.stderrLines.count, 1, "stderr: \(result.stderr)", file: file, line: line)
        XCTAssertTrue(result.stderr.contains(mentions), "stderr: \(result.stderr)", file: file, line: line)
        XCTAssertTrue(result.stderr.contains("error:"), result.stderr, file: file, line: line)
    }

    func testDecodesAnIdentifier() throws {
        let result = try CLI.run(["inspect", "--id", "AQAAAAAAAECSEAAAAAAAAAMAAACVqxqsAgAAAAAAAAA="])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("task (activity"), result.stdout)
        XCTAssertTrue(result.stdout.contains("id          4242"), result.stdout)
        XCTAssertTrue(result.stdout.contains("machine id  2887429013"), result.stdout)
        assertOneLineError(try CLI.run(["inspect", "--id", "cf:nope"]),
                           mentions: "--id cf:nope: an identifier is 44 base64 characters (optionally after cf:), got 4")
    }

    func testSummaryCountsAndInvalidLines() throws {
        let good = try CLI.run(["inspect", log("pipeline.w3c.log")])
        XCTAssertEqual(good.status, 0, good.stderr)
        XCTAssertTrue(good.stdout.contains("elements: 30 nodes, 29 relations"), good.stdout)
        XCTAssertTrue(good.stdout.contains("invalid lines: none"), good.stdout)
        let bad = try CLI.run(["inspect", log("invalid.w3c.log")])
        for line in [2, 3, 5, 6, 7, 8] {
            XCTAssertTrue(bad.stdout.contains("invalid.w3c.log:\(line): "), "line \(line): \(bad.stdout)")
        }
        XCTAssertFalse(bad.stdout.contains("invalid.w3c.log:4:"), "a blank line is valid")
        assertOneLineError(bad, mentions: "6 invalid lines in \(log("invalid.w3c.log"))")
    }

    func testConversionRoundTripAndPROVValidity() throws {
        let s = try TempDir("camflow-cli")
        let spade = s.path + "/out.spade", w3c = s.path + "/out.w3c"
        let toSpade = try CLI.run(["inspect", "--to", "spade", "--output", spade, log("vm-demo.w3c.log")])
        XCTAssertEqual(toSpade.status, 0, toSpade.stderr)
        XCTAssertEqual(toSpade.stdout, "")
        let toW3C = try CLI.run(["inspect", "--to", "w3c", "-o", w3c, spade])
        XCTAssertEqual(toW3C.status, 0, toW3C.stderr)
        // same elements as recorded, checked by Python's json; and every document loads in prov
        let check = """
            import json, sys
            from prov.model import ProvDocument
            def elements(path):
                out = {}
                for line in open(path):
                    doc = json.loads(line)
                    for section, members in doc.items():
                        if section != "prefix":
                            for key, attrs in members.items():
                                out.setdefault((section, key), []).append(json.dumps(attrs))
                return out
            a, b = elements(sys.argv[1]), elements(sys.argv[2])
            assert a == b, "elements differ"
            for line in open(sys.argv[2]):
                ProvDocument.deserialize(content=line, format="json")
            print(len(a))
            """
        let script = s.text("check.py", check)
        let python = try CLI.run(["python3", script, log("vm-demo.w3c.log"), w3c], executable: "/usr/bin/env")
        XCTAssertEqual(python.status, 0, python.stderr)
        XCTAssertGreaterThan(Int(python.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0, 100)
        // W3C made from the recorder's SPADE output loads in prov too
        let fromSpade = s.path + "/kinds.w3c"
        XCTAssertEqual(try CLI.run(["inspect", "--to", "w3c", "-o", fromSpade, log("vm-kinds.spade.log")]).status, 0)
        let prov = s.text("load_with_prov.py", "import sys\nfrom prov.model import ProvDocument\n"
                              + "for line in open(sys.argv[1]): ProvDocument.deserialize(content=line, format='json')\n")
        let loaded = try CLI.run(["python3", prov, fromSpade], executable: "/usr/bin/env")
        XCTAssertEqual(loaded.status, 0, loaded.stderr)
        // the SPADE output is what the reference layout says: edges from the receiver
        let firstEdge = try XCTUnwrap(String(decoding: s.bytes("out.spade"), as: UTF8.self)
            .split(separator: "\n").first { $0.hasPrefix(#"{"type":"Used""#) })
        XCTAssertTrue(firstEdge.contains(#""to_type":"#) && firstEdge.contains(#"","annotations": {"id":""#), String(firstEdge))
    }

    func testAncestorsAndDescendantsTrees() throws {
        let up = try CLI.run(["inspect", "--ancestors", "/tmp/output.txt", log("vm-demo.w3c.log")])
        XCTAssertEqual(up.status, 0, up.stderr)
        let lines = up.stdout.split(separator: "\n").map(String.init)
        XCTAssertTrue(lines[0].hasPrefix("ancestors of /tmp/output.txt: "), lines[0])
        XCTAssertTrue(lines[1].hasPrefix("file /tmp/output.txt (id "), lines[1])
        XCTAssertTrue(lines.contains { $0.contains("read ← file /tmp/input.txt") }, up.stdout)
        XCTAssertTrue(lines.contains { $0.contains("[/bin/sed s/$/!/]") }, up.stdout)
        let down = try CLI.run(["inspect", "--descendants", "/tmp/input.txt", log("pipeline.w3c.log")])
        XCTAssertEqual(down.status, 0, down.stderr)
        XCTAssertTrue(down.stdout.contains("write → file /tmp/output.txt"), down.stdout)
        XCTAssertFalse(down.stdout.contains("/etc/hosts"), down.stdout)
        // an id with and without cf:, exact version or every version
        let v0 = "cf:AAEAAAAAACAoAAAAAAAAAAMAAACVqxqsAAAAAAAAAAA="
        let exact = try CLI.run(["inspect", "--ancestors", v0, log("pipeline.w3c.log")])
        XCTAssertEqual(exact.status, 0, exact.stderr)
        XCTAssertEqual(exact.stdout.split(separator: "\n").count, 2, "nothing flows into version 0: \(exact.stdout)")
        let all = try CLI.run(["inspect", "--ancestors", String(v0.dropFirst(3)), "--all-versions", log("pipeline.w3c.log")])
        XCTAssertTrue(all.stdout.contains("write ← task /bin/sed"), all.stdout)
    }

    func testDotIsRenderedByGraphviz() throws {
        let s = try TempDir("camflow-cli")
        let dot = s.path + "/lineage.dot"
        let result = try CLI.run(["inspect", "--ancestors", "/srv/copy.txt", "--dot", dot,
                                  log("machine-a.w3c.log"), log("machine-b.spade.log")])
        XCTAssertEqual(result.status, 0, result.stderr)
        let svg = try CLI.run(["-Tsvg", dot], executable: "/usr/bin/dot")
        XCTAssertEqual(svg.status, 0, svg.stderr)
        XCTAssertTrue(svg.stdout.contains("<svg"), svg.stdout)
        // 7 objects (2 files, 2 tasks, 2 sockets, the packet), 6 flows, a cluster per machine
        XCTAssertEqual(svg.stdout.components(separatedBy: "class=\"node\"").count - 1, 7, svg.stdout)
        XCTAssertEqual(svg.stdout.components(separatedBy: "class=\"edge\"").count - 1, 6, svg.stdout)
        XCTAssertTrue(svg.stdout.contains(">machine 101</text>") && svg.stdout.contains(">machine 202</text>"), svg.stdout)
        XCTAssertTrue(svg.stdout.contains("file /data/secret.txt"), svg.stdout)
        XCTAssertTrue(svg.stdout.contains(">receive_packet</text>"), svg.stdout)
    }

    func testHelpShowsEveryMode() throws {
        let result = try CLI.run(["inspect", "--help"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("camflow inspect --ancestors PATH|ID"), result.stdout)
        XCTAssertTrue(result.stdout.contains("camflow inspect [--json]"), result.stdout)
    }

    func testBadInputsGiveOneClearError() throws {
        let s = try TempDir("camflow-cli")
        assertOneLineError(try CLI.run(["inspect", s.path + "/missing.log"]),
                           mentions: "cannot open log \(s.path)/missing.log: No such file or directory")
        assertOneLineError(try CLI.run(["inspect", "--ancestors", "/x", s.path]),
                           mentions: "cannot read log \(s.path): Is a directory")
        let unreadable = s.text("secret.log", "{}\n")
        chmod(unreadable, 0)
        defer { chmod(unreadable, 0o644) }
        if getuid() != 0 {
            assertOneLineError(try CLI.run(["inspect", unreadable]), mentions: "\(unreadable): Permission denied")
        }
        assertOneLineError(try CLI.run(["inspect", "--ancestors", "/no/such/file", log("pipeline.w3c.log")]),
                           mentions: "--ancestors: no file named /no/such/file in the logs")
        assertOneLineError(try CLI.run(["inspect", "--descendants", "cf:AAEAAAAAACDnAwAAAAAAAAMAAACVqxqsAAAAAAAAAAA=",
                                        log("pipeline.w3c.log")]),
                           mentions: "(file 999 version 0) is not in the logs")
        assertOneLineError(try CLI.run(["inspect", "--ancestors", "tmp/x", log("pipeline.w3c.log")]),
                           mentions: "'tmp/x' is neither an absolute path nor a node identifier")
        assertOneLineError(try CLI.run(["inspect", "--to", "xml", log("pipeline.w3c.log")]),
                           mentions: "--to xml: expected w3c, spade or spade_json")
        assertOneLineError(try CLI.run(["inspect", "--dot", "/tmp/x.dot", log("pipeline.w3c.log")]),
                           mentions: "--dot needs --ancestors or --descendants")
        assertOneLineError(try CLI.run(["inspect", "-o", "/tmp/x", log("pipeline.w3c.log")]),
                           mentions: "--output needs --to")
        assertOneLineError(try CLI.run(["inspect", "--id", "x", log("pipeline.w3c.log")]),
                           mentions: "--id takes no log")
        assertOneLineError(try CLI.run(["inspect", "--ancestors", "/tmp/output.txt"]),
                           mentions: "--ancestors needs at least one LOG")
        assertOneLineError(try CLI.run(["inspect", "--ancestors", "/a", "--descendants", "/b", log("pipeline.w3c.log")]),
                           mentions: "--ancestors and --descendants: give one of them")
        assertOneLineError(try CLI.run(["inspect", "--ancestors", "/a", "--depth", "0", log("pipeline.w3c.log")]),
                           mentions: "--depth 0: must be at least 1")
        assertOneLineError(try CLI.run(["inspect", "--ancestors", "/tmp/output.txt", "--to", "w3c", log("pipeline.w3c.log")]),
                           mentions: "--to cannot be used with --ancestors")
        let copy = s.text("copy.log", (try? String(contentsOfFile: log("pipeline.w3c.log"), encoding: .utf8)) ?? "")
        assertOneLineError(try CLI.run(["inspect", "--to", "spade", "-o", copy, copy]),
                           mentions: "--output \(copy) is also an input log")
        XCTAssertEqual(s.bytes("copy.log").count, try Data(contentsOf: URL(fileURLWithPath: log("pipeline.w3c.log"))).count,
                       "the input was not truncated")
        let unwritableDot = try CLI.run(["inspect", "--ancestors", "/tmp/output.txt", "--dot", s.path + "/no/dir/g.dot",
                                         log("pipeline.w3c.log")])
        assertOneLineError(unwritableDot, mentions: "--dot: cannot write \(s.path)/no/dir/g.dot: No such file or directory")
        XCTAssertEqual(unwritableDot.stdout, "", "fails before printing anything")
        assertOneLineError(try CLI.run(["inspect", "--to", "spade", "-o", s.path + "/no/dir/out", log("pipeline.w3c.log")]),
                           mentions: "--output: cannot write \(s.path)/no/dir/out: No such file or directory")
    }
}
