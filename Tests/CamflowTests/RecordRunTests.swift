import CProvenanceABI
import Foundation
import TestSupport
import XCTest
@testable import Capture
@testable import Provenance

/// `camflow record` end to end on regular files standing in for the relay:
/// everything written to the relay reaches the log as valid JSON, SIGTERM
/// loses nothing, SIGHUP reopens the log.
final class RecordRunTests: XCTestCase {
    let run = RecorderHarness()

    func testRecordsEverythingAndStopsCleanlyOnSIGTERM() throws {
        let s = try TempDir("camflow-cli")
        let samples = RecordSamples.all.map(\.record)
        let short = samples.filter { !NodeType(rawValue: $0.typeWord).isLong || $0.kind == .relation }
        let long = samples.filter { NodeType(rawValue: $0.typeWord).isLong && $0.kind != .relation }
        // split a record across the end of what is there at start
        let shortBytes = short.flatMap(RecordEncoder.encode)
        s.file("relay/provenance0", Array(shortBytes[0..<(shortBytes.count - 30)]))
        s.file("relay/long_provenance0", long.flatMap(RecordEncoder.encode))
        s.file("relay/provenance1")
        let (process, err) = try run.start(s)
        defer { if process.isRunning { process.terminate() } }
        try run.append(s.path + "/relay/provenance0", Array(shortBytes[(shortBytes.count - 30)...]))
        // stop at once: what was read must still be written at shutdown
        process.terminate()
        process.waitUntilExit()
        let stderr = err.rest()
        XCTAssertEqual(process.terminationStatus, 0, stderr)
        XCTAssertTrue(stderr.contains("stopped: records read \(samples.count), written \(samples.count) in "), stderr)
        XCTAssertTrue(stderr.contains("dropped by the kernel 0, dropped by the output 0, undecodable 0, not serializable 0"), stderr)
        XCTAssertEqual(s.bytes("sec/flush"), Array("1\n".utf8))
        XCTAssertEqual(s.bytes("sec/epoch"), Array("1\n".utf8))
        XCTAssertEqual(s.bytes("sec/self").count, MemoryLayout<prov_process_config>.size)
        let ids = try run.elementIDs(s.bytes("audit.log"))
        XCTAssertEqual(Set(ids), Set(samples.map { "cf:" + $0.identifier.base64 }))
        XCTAssertEqual(ids.count, samples.count)
    }

    func testFlushesWithinASecondAndReopensOnSIGHUP() throws {
        let s = try TempDir("camflow-cli")
        let samples = RecordSamples.all.map(\.record).filter { $0.kind != .path && !NodeType(rawValue: $0.typeWord).isLong }
        let relay = s.file("relay/provenance0", RecordEncoder.encode(samples[0]))
        let (process, err) = try run.start(s)
        defer { if process.isRunning { process.terminate() } }
        let log = s.path + "/audit.log"
        XCTAssertTrue(run.waitFor { !s.bytes("audit.log").isEmpty }, "nothing written within the flush interval")
        XCTAssertEqual(try run.elementIDs(s.bytes("audit.log")).count, 1)

        try FileManager.default.moveItem(atPath: log, toPath: log + ".1")
        kill(process.processIdentifier, SIGHUP)
        usleep(300_000)
        XCTAssertTrue(process.isRunning, "SIGHUP killed the recorder")
        try run.append(relay, samples[1...].flatMap(RecordEncoder.encode))
        XCTAssertTrue(run.waitFor { (try? self.run.elementIDs(s.bytes("audit.log")).count) == samples.count - 1 },
                      "records after SIGHUP did not reach the reopened log")

        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0,
                       err.rest())
        XCTAssertEqual(try run.elementIDs(s.bytes("audit.log.1")).count, 1)
    }

    /// A node ending in a version link (ABI 2) is one record read and
    /// written, and two elements (node, version relation) in the log; a
    /// kernel reporting ABI 1 is accepted as well as the current one.
    func testVersionedNodesCountOnceWithEitherABI() throws {
        var task = try XCTUnwrap(RecordSamples.named("task"))
        task.versionLink = VersionLink(type: RL_VERSION_TASK, id: 700, taskID: 4242)
        var inode = try XCTUnwrap(RecordSamples.named("inode"))
        inode.versionLink = VersionLink(type: RL_VERSION, id: 701, taskID: 4242)
        let records = [task, try XCTUnwrap(RecordSamples.named("relation")), inode]
        let relations = records.compactMap(\.impliedVersionRelation)
        XCTAssertEqual(relations.count, 2)
        for abi in ["1", "\(PROV_ABI_VERSION)"] {
            let s = try TempDir("camflow-cli")
            s.file("relay/provenance0", records.flatMap(RecordEncoder.encode))
            let (process, err) = try run.start(s, abiVersion: abi)
            defer { if process.isRunning { process.terminate() } }
            process.terminate()
            process.waitUntilExit()
            let stderr = err.rest()
            XCTAssertEqual(process.terminationStatus, 0, stderr)
            XCTAssertTrue(stderr.contains("stopped: records read 3, written 3 in "), "ABI \(abi): \(stderr)")
            XCTAssertTrue(stderr.contains("undecodable 0, not serializable 0"), stderr)
            let ids = try run.elementIDs(s.bytes("audit.log"))
            XCTAssertEqual(ids.sorted(), (records + relations).map { "cf:" + $0.identifier.base64 }.sorted())
        }
    }

    func testUndecodableRecordsAreCountedAndSkipped() throws {
        let s = try TempDir("camflow-cli")
        var bad = RecordEncoder.encode(RecordSamples.all[0].record)
        bad.withUnsafeMutableBytes { $0.storeBytes(of: UInt8(9), toByteOffset: 6, as: UInt8.self) }  // abi_version
        s.file("relay/provenance0", bad + RecordEncoder.encode(RecordSamples.all[1].record))
        let (process, err) = try run.start(s)
        defer { if process.isRunning { process.terminate() } }
        usleep(300_000)
        process.terminate()
        process.waitUntilExit()
        let stderr = err.rest()
        XCTAssertEqual(process.terminationStatus, 0, stderr)
        XCTAssertTrue(stderr.contains("ABI version 9, expected 1 to \(PROV_ABI_VERSION)"), stderr)
        XCTAssertTrue(stderr.contains("stopped: records read 2, written 1 in 1 chunks"), stderr)
        XCTAssertTrue(stderr.contains("undecodable 1"), stderr)
        XCTAssertEqual(try run.elementIDs(s.bytes("audit.log")).count, 1)
    }
}

/// Reads a child's stderr incrementally.
final class StderrReader {
    let pipe: Pipe
    var text = ""

    init(_ pipe: Pipe) { self.pipe = pipe }

    /// Blocks until `marker` has appeared (or stderr closed).
    func waitFor(_ marker: String) {
        while !text.contains(marker) {
            let data = pipe.fileHandleForReading.availableData
            if data.isEmpty { return }
            text += String(decoding: data, as: UTF8.self)
        }
    }

    /// Everything written to stderr, after the process has exited.
    func rest() -> String {
        text += String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return text
    }
}

/// Starts and observes the real `camflow record` binary on a fake relay tree.
struct RecorderHarness {
    /// Starts the recorder and returns once it has announced that it records
    /// (signals are handled from then on); the pipe then holds the rest of stderr.
    /// - Parameter abiVersion: what securityfs `abi_version` says, if not
    ///   `PROV_ABI_VERSION`.
    func start(_ s: TempDir, config: String? = nil, abiVersion: String? = nil) throws -> (Process, StderrReader) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CLI.binary)
        let securityFS = s.securityFS()
        if let abiVersion { s.text("sec/abi_version", abiVersion + "\n") }
        process.arguments = ["record", "--config", config ?? s.recorderConfig(), "--securityfs-root", securityFS,
                             "--relay-root", s.dir("relay")]
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let reader = StderrReader(err)
        reader.waitFor("recording ")
        return (process, reader)
    }

    func waitFor(_ condition: () -> Bool, seconds: Double = 20) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            usleep(20_000)
        }
        return condition()
    }

    func elementIDs(_ log: [UInt8]) throws -> [String] {
        var ids: [String] = []
        for line in log.split(separator: UInt8(ascii: "\n")) {
            let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line)) as? [String: Any])
            for (key, value) in json where key != "prefix" {
                ids += (value as? [String: Any] ?? [:]).keys
            }
        }
        return ids
    }

    func append(_ path: String, _ bytes: [UInt8]) throws {
        let handle = try XCTUnwrap(FileHandle(forWritingAtPath: path))
        handle.seekToEndOfFile()
        handle.write(Data(bytes))
        handle.closeFile()
    }
}
