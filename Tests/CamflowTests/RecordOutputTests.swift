import CProvenanceABI
import Foundation
import TestSupport
import XCTest
@testable import Capture
@testable import Provenance

/// `camflow record` (the real binary, on a fake relay tree) with every
/// output, both formats, a full disk, the ABI check and unknown record kinds.
final class RecordOutputTests: XCTestCase {
    let run = RecorderHarness()

    /// Short-channel samples without duplicate ids, encoded.
    var samples: [Record] {
        RecordSamples.all.map(\.record).filter { !NodeType(rawValue: $0.typeWord).isLong || $0.kind == .relation }
    }

    func config(_ s: TempDir, _ body: String) -> String { s.text("camflowd.ini", body) }

    func stop(_ process: Process, _ err: StderrReader) -> String {
        process.terminate()
        process.waitUntilExit()
        return err.rest()
    }

    /// The first statistics number after `label` in the last "stopped:" line.
    func stat(_ stderr: String, _ label: String) -> Int? {
        guard let line = stderr.split(separator: "\n").last(where: { $0.contains("stopped: ") }),
              let range = line.range(of: label + " ") else { return nil }
        return Int(line[range.upperBound...].prefix(while: { $0.isNumber }))
    }

    func testSpadeToLogOneObjectPerLine() throws {
        let s = try TempDir("camflow-cli")
        s.file("relay/provenance0", samples.flatMap(RecordEncoder.encode))
        let (process, err) = try run.start(s, config: config(s, "[general]\noutput=log\nformat=spade_json\n[log]\npath=\(s.path)/spade.log\n"))
        defer { if process.isRunning { process.terminate() } }
        XCTAssertTrue(run.waitFor { !s.bytes("spade.log").isEmpty })
        let stderr = stop(process, err)
        XCTAssertEqual(process.terminationStatus, 0, stderr)
        let lines = s.bytes("spade.log").split(separator: 10, omittingEmptySubsequences: false)
        XCTAssertEqual(lines.last?.isEmpty, true, "the log does not end with a newline")
        var ids: Set<String> = []
        for line in lines.dropLast() {
            let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line)) as? [String: Any], String(decoding: line, as: UTF8.self))
            XCTAssertNotNil(object["type"])
            if let id = object["id"] as? String { ids.insert(id) }
        }
        XCTAssertEqual(stat(stderr, "written"), lines.count - 1, stderr)
        let nodes = samples.filter { $0.kind != .relation }.map(\.identifier.base64)
        XCTAssertTrue(Set(nodes).isSubset(of: ids), "vertices missing: \(Set(nodes).subtracting(ids))")
    }

    func testFifoReaderThatComesAndGoesGetsEveryRecordOnce() throws {
        let s = try TempDir("camflow-cli")
        let fifo = s.path + "/camflowd-pipe"
        // many records: more documents than a pipe holds
        var records: [Record] = []
        let file = try XCTUnwrap(samples.first { $0.kind != .relation })
        for i in 0..<3000 {
            var r = file
            r.element.identifier = Identifier(node: file.typeWord, id: UInt64(100_000 + i), bootID: 3, machineID: 7, version: 1)
            records.append(r)
        }
        XCTAssertEqual(Set(records.map(\.identifier)).count, 3000)
        let relay = s.file("relay/provenance0")
        let (process, err) = try run.start(s, config: config(s, "[general]\noutput=fifo\nformat=w3c\n[fifo]\npath=\(fifo)\n"))
        defer { if process.isRunning { process.terminate() } }
        try run.append(relay, records.flatMap(RecordEncoder.encode))
        var ids: [String] = []
        for round in 0..<20 where ids.count < records.count {
            let fd = open(fifo, O_RDONLY)
            XCTAssertGreaterThanOrEqual(fd, 0)
            // one byte at a time: nothing beyond the documents taken is consumed
            var document: [UInt8] = []
            var documents = 0
            var byte: UInt8 = 0
            while documents < (round == 19 ? Int.max : 3), ids.count < records.count, read(fd, &byte, 1) == 1 {
                if byte == 0 {
                    ids += try run.elementIDs(document)
                    document = []
                    documents += 1
                } else {
                    document.append(byte)
                }
            }
            close(fd)
        }
        let stderr = stop(process, err)
        XCTAssertEqual(process.terminationStatus, 0, stderr)
        XCTAssertEqual(ids.count, records.count, "duplicates or losses")
        XCTAssertEqual(Set(ids), Set(records.map { "cf:" + $0.identifier.base64 }))
    }

    func testUnixSocketDatagrams() throws {
        let s = try TempDir("camflow-cli")
        let address = s.path + "/listener.sock"
        let listener = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        defer { close(listener) }
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in for (i, b) in address.utf8.enumerated() { raw[i] = b } }
        XCTAssertEqual(withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }, 0)
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(listener, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        s.file("relay/provenance0", samples.flatMap(RecordEncoder.encode))
        let (process, err) = try run.start(s, config: config(s, "[general]\noutput=unix_socket\nformat=w3c\n[unix]\naddress=\(address)\n"))
        defer { if process.isRunning { process.terminate() } }
        var ids: [String] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while ids.count < samples.count {
            let n = recv(listener, &buffer, buffer.count, 0)
            guard n > 0 else { break }
            XCTAssertEqual(buffer[n - 1], 0, "datagram without its NUL")
            ids += try run.elementIDs(Array(buffer[0..<(n - 1)]))
        }
        let stderr = stop(process, err)
        XCTAssertEqual(process.terminationStatus, 0, stderr)
        XCTAssertEqual(Set(ids), Set(samples.map { "cf:" + $0.identifier.base64 }))
    }

    func testFullDiskIsWaitedOutWithoutLoss() throws {
        guard getuid() == 0 else { throw XCTSkip("mounting a tmpfs needs root") }
        let s = try TempDir("camflow-cli")
        let mount = s.dir("small")
        try runTool("/bin/mount", ["-t", "tmpfs", "-o", "size=256k", "tmpfs", mount])
        defer { _ = try? runTool("/bin/umount", ["-l", mount]) }
        // fill the file system
        let filler = mount + "/filler"
        let fd = open(filler, O_CREAT | O_WRONLY, 0o600)
        var block = [UInt8](repeating: 0x41, count: 4096)
        while write(fd, &block, block.count) > 0 {}
        XCTAssertEqual(errno, ENOSPC)
        close(fd)
        let relay = s.file("relay/provenance0")
        let (process, err) = try run.start(s, config: config(s, "[general]\noutput=log\nformat=w3c\n[log]\npath=\(mount)/audit.log\n"))
        defer { if process.isRunning { process.terminate() } }
        let records = samples
        try run.append(relay, records.flatMap(RecordEncoder.encode))
        XCTAssertTrue(run.waitFor { err.peek().contains("No space left on device; holding output until it recovers") }, err.peek())
        XCTAssertTrue(process.isRunning)
        try FileManager.default.removeItem(atPath: filler)
        XCTAssertTrue(run.waitFor { err.peek().contains("takes data again after") }, err.peek())
        let stderr = stop(process, err)
        XCTAssertEqual(process.terminationStatus, 0, stderr)
        let log = try [UInt8](Data(contentsOf: URL(fileURLWithPath: mount + "/audit.log")))
        let ids = try run.elementIDs(log)
        XCTAssertEqual(ids.count, records.count)
        XCTAssertEqual(Set(ids), Set(records.map { "cf:" + $0.identifier.base64 }))
        XCTAssertEqual(stat(stderr, "dropped by the output"), 0, stderr)
    }

    func testNullOutputDiscardsAndCounts() throws {
        let s = try TempDir("camflow-cli")
        s.file("relay/provenance0", samples.flatMap(RecordEncoder.encode))
        let (process, err) = try run.start(s, config: config(s, "[general]\noutput=null\nformat=spade_json\n"))
        defer { if process.isRunning { process.terminate() } }
        usleep(1_500_000)
        let stderr = stop(process, err)
        XCTAssertEqual(process.terminationStatus, 0, stderr)
        XCTAssertEqual(stat(stderr, "records read"), samples.count, stderr)
        XCTAssertEqual(stat(stderr, "dropped by the output"), 0, stderr)
        XCTAssertFalse(stderr.contains("error"), stderr)
    }

    func testRotationWhileRecordingLosesAndDuplicatesNothing() throws {
        let s = try TempDir("camflow-cli")
        let file = try XCTUnwrap(samples.first { $0.kind != .relation })
        let records = (0..<2000).map { i -> Record in
            var r = file
            r.element.identifier = Identifier(node: file.typeWord, id: UInt64(500_000 + i), bootID: 3, machineID: 7, version: 1)
            return r
        }
        let relay = s.file("relay/provenance0")
        let (process, err) = try run.start(s)
        defer { if process.isRunning { process.terminate() } }
        let log = s.path + "/audit.log"
        for round in 0..<4 {
            try run.append(relay, records[(round * 500)..<(round * 500 + 500)].flatMap(RecordEncoder.encode))
            usleep(300_000)
            if round < 3 {
                try FileManager.default.moveItem(atPath: log, toPath: log + ".\(round)")
                kill(process.processIdentifier, SIGHUP)
            }
        }
        let stderr = stop(process, err)
        XCTAssertEqual(process.terminationStatus, 0, stderr)
        var ids: [String] = []
        for name in ["audit.log.0", "audit.log.1", "audit.log.2", "audit.log"] {
            let lines = s.bytes(name)
            XCTAssertFalse(lines.isEmpty, "\(name) is empty")
            XCTAssertEqual(lines.last, 10, "\(name) ends inside a line")
            ids += try run.elementIDs(lines)
        }
        XCTAssertEqual(ids.count, records.count, "lost or duplicated records")
        XCTAssertEqual(Set(ids), Set(records.map { "cf:" + $0.identifier.base64 }))
        XCTAssertEqual(stderr.components(separatedBy: "log \(log) reopened").count - 1, 3, stderr)
    }

    func testABIVersionMismatchAndMissingFile() throws {
        let s = try TempDir("camflow-cli")
        let sec = s.securityFS()
        s.text("sec/abi_version", "9\n")
        s.file("relay/provenance0")
        let mismatch = try CLI.run(["record", "--config", s.recorderConfig(), "--securityfs-root", sec, "--relay-root", s.dir("relay")])
        XCTAssertEqual(mismatch.status, 1)
        XCTAssertEqual(mismatch.stderrLines, ["camflow: error: \(sec)/abi_version: the kernel writes record ABI 9, this camflow decodes ABI 1 to \(PROV_ABI_VERSION): install matching kernel and userspace"])
        try FileManager.default.removeItem(atPath: sec + "/abi_version")
        let missing = try CLI.run(["record", "--config", s.recorderConfig(), "--securityfs-root", sec, "--relay-root", s.dir("relay")])
        XCTAssertEqual(missing.status, 1)
        XCTAssertEqual(missing.stderrLines.count, 1, missing.stderr)
        XCTAssertTrue(missing.stderr.contains("\(sec)/abi_version: No such file or directory (the kernel does not say which record ABI it writes"), missing.stderr)
        XCTAssertTrue(s.bytes("audit.log").isEmpty)
    }

    func testUnknownRecordKindsAreCountedWithOneWarning() throws {
        let s = try TempDir("camflow-cli")
        var unknown = RecordEncoder.encode(samples[0])
        unknown.withUnsafeMutableBytes { $0.storeBytes(of: UInt16(999).littleEndian, toByteOffset: 4, as: UInt16.self) }
        s.file("relay/provenance0", unknown + unknown + RecordEncoder.encode(samples[1]) + unknown)
        let (process, err) = try run.start(s, config: config(s, "[general]\noutput=log\nformat=w3c\nstats_interval=1\n[log]\npath=\(s.path)/audit.log\n"))
        defer { if process.isRunning { process.terminate() } }
        XCTAssertTrue(run.waitFor { err.peek().contains("of unknown kinds 3") }, "no periodic statistics: \(err.peek())")
        let stderr = stop(process, err)
        XCTAssertEqual(process.terminationStatus, 0, stderr)
        XCTAssertEqual(stderr.components(separatedBy: "unknown record kind 999").count - 1, 1, stderr)
        XCTAssertEqual(try run.elementIDs(s.bytes("audit.log")).count, 1)
    }

    func testFailingOutputsAreOneClearError() throws {
        let s = try TempDir("camflow-cli")
        let plain = s.text("not-a-fifo", "x")
        let cases: [(String, String)] = [
            ("[general]\noutput=fifo\nformat=w3c\n[fifo]\npath=\(plain)\n",
             "cannot use FIFO \(plain): exists and is not a FIFO (output=fifo of "),
            ("[general]\noutput=log\nformat=spade_json\n[log]\npath=\(s.path)/missing/dir/x.log\n",
             "cannot open log file \(s.path)/missing/dir/x.log: No such file or directory (output=log of "),
            ("[general]\noutput=mqtt\nformat=w3c\n[mqtt]\naddress=tcp://127.0.0.1:1\n[spool]\npath=\(plain)\n",
             "cannot open spool directory \(plain): Not a directory ([spool] path of "),
        ]
        for (text, message) in cases {
            let result = try CLI.run(["record", "--config", config(s, text), "--securityfs-root", s.securityFS(),
                                      "--relay-root", s.dir("relay")])
            XCTAssertEqual(result.status, 1, text)
            XCTAssertEqual(result.stderrLines.count, 1, result.stderr)
            XCTAssertTrue(result.stderr.contains(message), "\(result.stderr) does not contain \(message)")
        }
    }
}

extension StderrReader {
    /// What the child wrote to stderr so far (reads what is available without blocking for long).
    func peek() -> String {
        let fd = pipe.fileHandleForReading.fileDescriptor
        var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        while poll(&p, 1, 50) > 0 {
            let data = pipe.fileHandleForReading.availableData
            if data.isEmpty { break }
            text += String(decoding: data, as: UTF8.self)
        }
        return text
    }
}
