import Foundation
import XCTest
@testable import Ini
@testable import Sinks

final class LogSinkTests: XCTestCase {
    var dir = ""

    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "camflow-sinks-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: dir) }

    func contents(_ path: String) -> String {
        (try? String(contentsOfFile: path, encoding: .utf8)) ?? "<missing>"
    }

    func testAppendsOneLinePerChunkAfterExistingContent() throws {
        let path = dir + "/audit.log"
        try "old\n".write(toFile: path, atomically: false, encoding: .utf8)
        let sink = try LogSink(path: path)
        try sink.write(Array("{\"a\":1}".utf8))
        try sink.write(Array("{\"b\":2}".utf8))
        try sink.flush()
        sink.close()
        XCTAssertEqual(contents(path), "old\n{\"a\":1}\n{\"b\":2}\n")
    }

    func testCreatesFileWithMode0644() throws {
        let path = dir + "/new.log"
        let old = umask(0)
        defer { umask(old) }
        let sink = try LogSink(path: path)
        sink.close()
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        XCTAssertEqual((attributes[.posixPermissions] as? NSNumber)?.intValue, 0o644)
    }

    func testReopenFollowsRotation() throws {
        let path = dir + "/audit.log"
        let sink = SharedSink(try LogSink(path: path))
        try sink.write(Array("first".utf8))
        try FileManager.default.moveItem(atPath: path, toPath: path + ".1")
        try sink.reopen()
        try sink.write(Array("second".utf8))
        sink.close()
        XCTAssertEqual(contents(path + ".1"), "first\n")
        XCTAssertEqual(contents(path), "second\n")
        XCTAssertThrowsError(try sink.write([1]))
    }

    func testUnwritablePathIsOneClearError() {
        XCTAssertThrowsError(try LogSink(path: dir + "/no/such/dir/x.log")) { error in
            XCTAssertEqual("\(error)", "cannot open log file \(dir)/no/such/dir/x.log: No such file or directory")
        }
    }

    func testConcurrentWritersNeverInterleave() throws {
        let path = dir + "/audit.log"
        let sink = SharedSink(try LogSink(path: path))
        let line = [UInt8](repeating: UInt8(ascii: "x"), count: 100_000)
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            for _ in 0..<5 { try? sink.write(line) }
        }
        sink.close()
        let lines = contents(path).split(separator: "\n")
        XCTAssertEqual(lines.count, 40)
        XCTAssertTrue(lines.allSatisfy { $0.count == 100_000 })
    }
}

final class RecorderConfigurationTests: XCTestCase {
    func parse(_ text: String) throws -> LoadedRecorderConfiguration {
        try RecorderConfiguration.parse(IniFile(path: "/etc/camflowd.ini", contents: Array(text.utf8)))
    }

    func expectError(_ text: String, _ message: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try parse(text), file: file, line: line) { error in
            XCTAssertEqual("\(error)", message, file: file, line: line)
        }
    }

    let good = "[general]\noutput=log\nformat=w3c\n[log]\npath=/tmp/audit.log\n"

    func testLogAndW3C() throws {
        let loaded = try parse(good + """
            [mqtt]
            address=m12.cloudmqtt.com:17065
            username=camflow
            password=test
            qos=2
            topic=camflow/provenance/
            [unix]
            address=/tmp/camflowd.sock
            [fifo]
            path=/tmp/camflowd-pipe
            """)
        let c = loaded.configuration
        XCTAssertEqual(loaded.warnings, [])
        XCTAssertEqual(c.output, .log)
        XCTAssertEqual(c.format, .w3c)
        XCTAssertEqual(c.logPath, "/tmp/audit.log")
        XCTAssertEqual(c.mqtt.qos, 2)
        XCTAssertEqual(c.mqtt.topic, "camflow/provenance/")
        XCTAssertEqual(c.unixAddress, "/tmp/camflowd.sock")
        XCTAssertEqual(c.fifoPath, "/tmp/camflowd-pipe")
    }

    func testOutputsNotSupportedYet() {
        for output in ["null", "fifo", "mqtt", "unix", "unix_socket"] {
            expectError("[general]\noutput=\(output)\nformat=w3c\n",
                        "/etc/camflowd.ini:2: [general] output=\(output): not supported yet (only output=log is available)")
        }
        expectError("[general]\noutput=log\nformat=spade_json\n[log]\npath=/x\n",
                    "/etc/camflowd.ini:3: [general] format=spade_json: not supported yet (only format=w3c is available)")
    }

    func testUnknownAndMissingValues() {
        expectError("[general]\noutput=syslog\n",
                    "/etc/camflowd.ini:2: [general] output=syslog: unknown output (null, log, fifo, mqtt, unix or unix_socket)")
        expectError("[general]\noutput=log\nformat=xml\n",
                    "/etc/camflowd.ini:3: [general] format=xml: unknown format (w3c or spade_json)")
        expectError("[general]\nformat=w3c\n", "/etc/camflowd.ini: [general] output is not set")
        expectError("[general]\noutput=log\n", "/etc/camflowd.ini: [general] format is not set")
        expectError("[general]\noutput=log\nformat=w3c\n", "/etc/camflowd.ini: [log] path is not set")
        expectError(good + "[mqtt]\nqos=7\n", "/etc/camflowd.ini:7: [mqtt] qos=7: not 0, 1 or 2")
    }

    func testUnknownKeysWarn() throws {
        let loaded = try parse(good + "colour=red\n[extra]\nx=1\n")
        XCTAssertEqual(loaded.warnings, ["/etc/camflowd.ini:6: unknown key 'colour' in [log] (ignored)",
                                         "/etc/camflowd.ini:8: unknown section [extra] (ignored)"])
    }

    func testWorldReadablePasswordWarns() throws {
        let path = NSTemporaryDirectory() + "camflowd-\(UUID().uuidString).ini"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try (good + "[mqtt]\npassword=secret\n").write(toFile: path, atomically: false, encoding: .utf8)
        chmod(path, 0o644)
        XCTAssertEqual(try RecorderConfiguration.load(path: path).warnings,
                       ["\(path): holds an MQTT password but is world-readable (chmod 600 it)"])
        chmod(path, 0o600)
        XCTAssertEqual(try RecorderConfiguration.load(path: path).warnings, [])
    }

    func testUnreadableConfigNamesThePath() {
        XCTAssertThrowsError(try RecorderConfiguration.load(path: "/tmp")) { error in
            XCTAssertEqual("\(error)", "cannot read configuration /tmp: Is a directory")
        }
    }
}
