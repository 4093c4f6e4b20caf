import Foundation
import TestSupport
import XCTest
@testable import Capture
@testable import Provenance
@testable import Sinks

/// `camflow record` with `output=mqtt` (the real binary) and a real
/// mosquitto on a free 127.0.0.1 port that is down when the recorder starts.
final class RecordMQTTTests: XCTestCase {
    let run = RecorderHarness()

    func testBrokerDownAtStartEverythingArrivesOnceThroughTheSpool() throws {
        let s = try TempDir("camflow-cli")
        // register a persistent QoS 2 subscription, then take the broker down
        let broker = try Broker(dir: s.path)
        let port = broker.port
        let sub = Process()
        sub.executableURL = URL(fileURLWithPath: "/usr/bin/mosquitto_sub")
        sub.arguments = ["-h", "127.0.0.1", "-p", String(port), "-t", "camflow/#", "-q", "2", "-c", "-i", "record-test-sub", "-v"]
        let out = Pipe()
        sub.standardOutput = out
        sub.standardError = FileHandle.nullDevice
        try sub.run()
        defer { if sub.isRunning { sub.terminate() } }
        usleep(500_000)
        broker.stop()

        let records = RecordSamples.all.map(\.record).filter { !NodeType(rawValue: $0.typeWord).isLong || $0.kind == .relation }
        let relay = s.file("relay/provenance0")
        let config = s.text("camflowd.ini", """
            [general]
            output=mqtt
            format=w3c
            [mqtt]
            address=tcp://127.0.0.1:\(port)
            qos=2
            topic=camflow/provenance/
            [spool]
            path=\(s.path)/spool
            max_size=1M
            """)
        let (process, err) = try run.start(s, config: config)
        defer { if process.isRunning { process.terminate() } }
        let half = records.count / 2
        try run.append(relay, records[..<half].flatMap(RecordEncoder.encode))
        XCTAssertTrue(run.waitFor { err.peek().contains("cannot publish to tcp://127.0.0.1:\(port): ") }, err.peek())
        // records read while the broker is down go to the spool
        try run.append(relay, records[half...].flatMap(RecordEncoder.encode))
        XCTAssertTrue(run.waitFor { (try? FileManager.default.contentsOfDirectory(atPath: s.path + "/spool").isEmpty) == false })

        try broker.start()
        defer { broker.stop() }
        XCTAssertTrue(run.waitFor { err.peek().contains("takes data again") }, err.peek())
        process.terminate()
        process.waitUntilExit()
        let stderr = err.rest()
        XCTAssertEqual(process.terminationStatus, 0, stderr)
        XCTAssertTrue(stderr.contains("stopped: records read \(records.count), written \(records.count) in "), stderr)
        XCTAssertTrue(stderr.contains("dropped by the output 0"), stderr)

        // subscriber side: every record once, on topic prefix + machine id
        var ids: [String] = []
        let deadline = Date().addingTimeInterval(20)
        var text = ""
        while ids.count < records.count && Date() < deadline {
            var p = pollfd(fd: out.fileHandleForReading.fileDescriptor, events: Int16(POLLIN), revents: 0)
            guard poll(&p, 1, 200) > 0 else { continue }
            text += String(decoding: out.fileHandleForReading.availableData, as: UTF8.self)
            ids = []
            for line in text.split(separator: "\n") {
                let parts = line.split(separator: " ", maxSplits: 1)
                guard parts.count == 2 else { continue }
                XCTAssertEqual(parts[0], "camflow/provenance/0")
                let chunk = try XCTUnwrap(MQTTPayload.decode(Array(parts[1].utf8)))
                ids += try run.elementIDs(chunk)
            }
        }
        XCTAssertEqual(ids.count, records.count, "lost or duplicated records")
        XCTAssertEqual(Set(ids), Set(records.map { "cf:" + $0.identifier.base64 }))
    }
}
