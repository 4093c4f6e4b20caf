import Foundation
import Glibc
import TestSupport
import XCTest

/// `camflow inspect --ancestors` on a generated log of 1,000,000 records
/// (250,000 steps of 1,000 independent workers: a task reads its previous
/// file and writes the next). The log is streamed: the test checks the
/// answer and that the peak memory stays far below the size of the log.
/// Times are printed, never asserted.
final class InspectLargeLogTests: XCTestCase {
    static let workers = 1000
    static let steps = 250  // per worker: 4 records each -> 1,000,000 records

    func testMillionRecordLogIsStreamed() throws {
        let s = try TempDir("camflow-cli")
        let path = s.path + "/big.log"
        let started = Date()
        let bytes = try writeLog(path)
        print("generated \(Self.workers * Self.steps * 4) records, \(bytes / 1_000_000) MB in \(Date().timeIntervalSince(started)) s")

        // ancestors of worker 7's last file: its whole chain and nothing else
        let target = "/data/w7/f\(Self.steps)"
        let (status, output, maxRSS, seconds) = try runMeasured(
            [CLI.binary, "inspect", "--ancestors", target, path], stdout: s.path + "/tree.txt")
        print("inspect --ancestors on \(bytes / 1_000_000) MB: \(seconds) s, peak RSS \(maxRSS / 1024) MB")
        XCTAssertEqual(status, 0, output)
        let lines = output.split(separator: "\n")
        // the worker's task (all its versions) and its files f0 ... f249 (f250 is the root)
        XCTAssertTrue(lines.first?.hasPrefix("ancestors of \(target): \(Self.steps + 1) objects (\(2 * Self.steps) node versions)") == true,
                      String(lines.first ?? ""))
        XCTAssertTrue(output.contains("read ← file /data/w7/f0 "), "the chain reaches the first file")
        XCTAssertFalse(output.contains("/data/w8/"), "other workers are not ancestors")
        XCTAssertLessThan(maxRSS * 1024, bytes / 2, "peak memory must stay well below the log size")
        XCTAssertLessThan(maxRSS, 300 * 1024, "peak RSS \(maxRSS) KB")
    }

    /// Writes the log (with Python: much faster than a debug build of
    /// Swift), one W3C document per step of all workers; returns its size.
    func writeLog(_ path: String) throws -> Int {
        let script = #"""
            import base64, struct, sys
            path, workers, steps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
            TASK, FILE = 0x4000000000000001, 0x2000000000000100
            READ, WRITE = 0x8020000000000001, 0x8040000000000020
            def node(t, i, v): return base64.b64encode(struct.pack("<QQIII4x", t, i, 1, 5, v)).decode()
            def rel(t, i): return base64.b64encode(struct.pack("<QQII8x", t, i, 1, 5)).decode()
            head = '{"prefix":{"prov" : "http://www.w3.org/ns/prov", "cf":"http://www.camflow.org"}'
            common = '"cf:boot_id":1,"cf:machine_id":"cf:5","cf:date":"2026:11:30T10:00:00"'
            r = 0
            with open(path, "w") as out:
                for step in range(1, steps + 1):
                    act, ent, used, gen = [], [], [], []
                    for w in range(workers):
                        t, i, o = node(TASK, w, step), node(FILE, w * 10000 + step - 1, 1), node(FILE, w * 10000 + step, 1)
                        act.append('"cf:%s":{"cf:id":"%d","prov:type":"task",%s,"cf:version":%d,"cf:taint":"0","cf:jiffies":"%d","cf:epoch":1,"cf:pid":%d,"prov:label":"[task] %d"}' % (t, w, common, step, step, w + 100, step))
                        ent.append('"cf:%s":{"cf:id":"%d","prov:type":"file",%s,"cf:version":1,"cf:taint":"0","cf:jiffies":"%d","cf:epoch":1,"cf:name":"/data/w%d/f%d","cf:uid":0,"cf:gid":0,"cf:mode":"0x81a4","prov:label":"[file] 1"}' % (o, w * 10000 + step, common, step, w, step))
                        if step == 1:
                            ent.append('"cf:%s":{"cf:id":"%d","prov:type":"file",%s,"cf:version":1,"cf:name":"/data/w%d/f0"}' % (i, w * 10000, common, w))
                        r += 2
                        used.append('"cf:%s":{"cf:id":"%d","prov:type":"read",%s,"cf:jiffies":"%d","cf:epoch":1,"prov:label":"read","cf:allowed":"true","prov:entity":"cf:%s","prov:activity":"cf:%s","cf:flags":"0","cf:task_id":"%d"}' % (rel(READ, r), r, common, step, i, t, w))
                        gen.append('"cf:%s":{"cf:id":"%d","prov:type":"write",%s,"cf:jiffies":"%d","cf:epoch":1,"prov:label":"write","cf:allowed":"true","prov:activity":"cf:%s","prov:entity":"cf:%s","cf:flags":"0","cf:task_id":"%d"}' % (rel(WRITE, r + 1), r + 1, common, step, t, o, w))
                    out.write(head + ', "activity":{' + ",".join(act) + '}, "entity":{' + ",".join(ent)
                              + '}, "used":{' + ",".join(used) + '}, "wasGeneratedBy":{' + ",".join(gen) + "}}\n")
            """#
        let scriptPath = path + ".py"
        try script.write(toFile: scriptPath, atomically: false, encoding: .utf8)
        let result = try CLI.run(["python3", scriptPath, path, String(Self.workers), String(Self.steps)],
                                 executable: "/usr/bin/env")
        guard result.status == 0 else { throw POSIXError(.EIO) }
        let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0
        return size
    }

    /// Runs `arguments` with stdout to `stdout`; returns status, output, peak RSS (KB) and wall time.
    func runMeasured(_ arguments: [String], stdout: String) throws -> (Int32, String, Int, Double) {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let started = Date()
        let rc = posix_spawn(&pid, arguments[0], &actions, nil, argv, environ)
        guard rc == 0 else { throw POSIXError(POSIXErrorCode(rawValue: rc) ?? .EIO) }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
        let seconds = Date().timeIntervalSince(started)
        let output = (try? String(contentsOfFile: stdout, encoding: .utf8)) ?? ""
        let exit = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        return (exit, output, usage.ru_maxrss, seconds)
    }
}
