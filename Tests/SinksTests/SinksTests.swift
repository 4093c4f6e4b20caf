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

    func testCreatesFileWithMode0600() throws {
        let path = dir + "/new.log"
        let old = umask(0)
        defer { umask(old) }
        let sink = try LogSink(path: path)
        sink.close()
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        XCTAssertEqual((attributes[.posixPermissions] as? NSNumber)?.intValue, 0o600)
    }

    func testReopenFollowsRotation() throws {
        let path = dir + "/audit.log"
        let sink = try LogSink(path: path)
        try sink.write(Array("first".utf8))
        try FileManager.default.moveItem(atPath: path, toPath: path + ".1")
        try sink.reopen()
        try sink.write(Array("second".utf8))
        sink.close()
        XCTAssertEqual(contents(path + ".1"), "first\n")
        XCTAssertEqual(contents(path), "second\n")
        XCTAssertThrowsError(try sink.write([1]))
    }

    func testSpadeChunksAreWrittenAsTheyAre() throws {
        let path = dir + "/spade.log"
        let sink = try LogSink(path: path, terminator: .none)
        try sink.write(Array("{\"a\":1}\n{\"b\":2}\n".utf8))
        sink.close()
        XCTAssertEqual(contents(path), "{\"a\":1}\n{\"b\":2}\n")
    }

    func testOnOpenSeesEveryDescriptor() throws {
        let path = dir + "/audit.log"
        final class Seen: @unchecked Sendable { var paths: [String] = [] }
        let seen = Seen()
        let sink = try LogSink(path: path, onOpen: { fd, p in
            XCTAssertGreaterThanOrEqual(fd, 0)
            seen.paths.append(p)
        })
        try sink.reopen()
        sink.close()
        XCTAssertEqual(seen.paths, [path, path])
    }

    func testUnwritablePathIsOneClearError() {
        XCTAssertThrowsError(try LogSink(path: dir + "/no/such/dir/x.log")) { error in
            XCTAssertEqual("\(error)", "cannot open log file \(dir)/no/such/dir/x.log: No such file or directory")
        }
    }

    func testSymlinkIsNotFollowed() throws {
        let path = dir + "/link.log"
        try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: dir + "/target")
        XCTAssertThrowsError(try LogSink(path: path)) { error in
            XCTAssertTrue("\(error)".hasPrefix("cannot open log file \(path): "), "\(error)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/target"))
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

    func testEveryOutputAndFormat() throws {
        let sections = "[log]\npath=/l\n[fifo]\npath=/f\n[unix]\naddress=/u\n[mqtt]\naddress=tcp://127.0.0.1:1883\n"
        let expected: [String: OutputKind] = ["null": .null, "log": .log, "fifo": .fifo, "mqtt": .mqtt,
                                              "unix": .unixSocket, "unix_socket": .unixSocket]
        for (word, kind) in expected {
            for format in ["w3c", "spade_json"] {
                let c = try parse("[general]\noutput=\(word)\nformat=\(format)\n" + sections).configuration
                XCTAssertEqual(c.output, kind)
                XCTAssertEqual(c.format, format == "w3c" ? .w3c : .spadeJSON)
            }
        }
    }

    func testAddedKeys() throws {
        let dir = NSTemporaryDirectory() + "camflowd-tls-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for name in ["ca.pem", "cert.pem", "key.pem"] { FileManager.default.createFile(atPath: dir + "/" + name, contents: Data()) }
        let c = try parse("""
            [general]
            output=mqtt
            format=w3c
            stats_interval=15
            queue_size=8M
            [mqtt]
            address=ssl://127.0.0.1:8883
            client_id=recorder-1
            keepalive=30
            ca_file=\(dir)/ca.pem
            cert_file=\(dir)/cert.pem
            key_file=\(dir)/key.pem
            [spool]
            path=/var/spool/camflow
            max_size=1G
            """).configuration
        XCTAssertEqual(c.statsIntervalSeconds, 15)
        XCTAssertEqual(c.queueBytes, 8 << 20)
        XCTAssertEqual(c.mqtt.clientID, "recorder-1")
        XCTAssertEqual(c.mqtt.keepAliveSeconds, 30)
        XCTAssertEqual(c.mqtt.caFile, dir + "/ca.pem")
        XCTAssertEqual(c.mqtt.certFile, dir + "/cert.pem")
        XCTAssertEqual(c.mqtt.keyFile, dir + "/key.pem")
        XCTAssertTrue(c.mqtt.usesTLS)
        XCTAssertEqual(c.spool, SpoolSettings(directory: "/var/spool/camflow", maxBytes: 1 << 30))
        let defaults = try parse(good).configuration
        XCTAssertEqual(defaults.statsIntervalSeconds, 60)
        XCTAssertNil(defaults.spool)
    }

    func testUnknownAndMissingValues() {
        let mqtt = "[general]\noutput=mqtt\nformat=w3c\n[mqtt]\naddress=tcp://h:1\n"
        let cases: [(String, String)] = [
            ("[general]\noutput=syslog\n",
             "/etc/camflowd.ini:2: [general] output=syslog: unknown output (null, log, fifo, mqtt, unix or unix_socket)"),
            ("[general]\noutput=log\nformat=xml\n", "/etc/camflowd.ini:3: [general] format=xml: unknown format (w3c or spade_json)"),
            ("[general]\nformat=w3c\n", "/etc/camflowd.ini: [general] output is not set"),
            ("[general]\noutput=log\n", "/etc/camflowd.ini: [general] format is not set"),
            ("[general]\noutput=log\nformat=w3c\n", "/etc/camflowd.ini: [log] path is not set"),
            ("[general]\noutput=fifo\nformat=w3c\n", "/etc/camflowd.ini: [fifo] path is not set"),
            ("[general]\noutput=unix\nformat=w3c\n", "/etc/camflowd.ini: [unix] address is not set"),
            ("[general]\noutput=mqtt\nformat=w3c\n", "/etc/camflowd.ini: [mqtt] address is not set"),
            (good + "[mqtt]\nqos=7\n", "/etc/camflowd.ini:7: [mqtt] qos=7: not 0, 1 or 2"),
            (good + "[mqtt]\nqos=-1\n", "/etc/camflowd.ini:7: [mqtt] qos=-1: not 0, 1 or 2"),
            (good + "[log]\npath=\n", "/etc/camflowd.ini:7: [log] path=: is empty"),
            (good + "[general]\nstats_interval=soon\n",
             "/etc/camflowd.ini:7: [general] stats_interval=soon: not a number of seconds from 0 (only at exit) to 86400"),
            (good + "[general]\nqueue_size=12Q\n",
             "/etc/camflowd.ini:7: [general] queue_size=12Q: not a size from 1M to 16G (bytes, or with a K, M or G suffix)"),
            (mqtt + "address=ftp://h:1\n",
             "/etc/camflowd.ini:6: [mqtt] address=ftp://h:1: not a broker address (host:port, tcp://host:port or ssl://host:port)"),
            (mqtt + "keepalive=1\n", "/etc/camflowd.ini:6: [mqtt] keepalive=1: not a number of seconds from 5 to 3600"),
            (mqtt + "client_id=\(String(repeating: "x", count: 24))\n",
             "/etc/camflowd.ini:6: [mqtt] client_id=\(String(repeating: "x", count: 24)): not a client id of 1 to 23 bytes"),
            (mqtt + "topic=camflow/#\n",
             "/etc/camflowd.ini:6: [mqtt] topic=camflow/#: not a topic prefix (no + or # wildcards, at most 200 bytes)"),
            (mqtt + "ca_file=/no/such/ca.pem\n",
             "/etc/camflowd.ini:6: [mqtt] ca_file=/no/such/ca.pem: cannot be read: No such file or directory"),
            (mqtt + "ca_file=/etc/hostname\n",
             "/etc/camflowd.ini:6: [mqtt] ca_file=/etc/hostname: TLS files need an ssl:// (or mqtts://) [mqtt] address"),
            (mqtt + "[spool]\nmax_size=10\n",
             "/etc/camflowd.ini:7: [spool] max_size=10: not a size of at least 64K (bytes, or with a K, M or G suffix)"),
            (good + "[spool]\npath=/var/spool/camflow\n",
             "/etc/camflowd.ini:7: [spool] path=/var/spool/camflow: a spool is used by output=mqtt, unix or fifo, not by output=log"),
            (good + "colour=red\n",
             "/etc/camflowd.ini:6: [log] colour is not a known key (known in [log]: path)"),
            (good + "[extra]\nx=1\n",
             "/etc/camflowd.ini:7: [extra] x is in an unknown section (known: fifo, general, log, mqtt, spool, unix)"),
            (good + "this line has no separator\n", "/etc/camflowd.ini:6: not a [section], key=value or comment line"),
        ]
        for (text, message) in cases { expectError(text, message) }
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
