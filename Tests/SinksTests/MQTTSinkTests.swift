import Foundation
import Glibc
import TestSupport
import XCTest
@testable import Sinks

/// `output=mqtt` against a real mosquitto started on a free 127.0.0.1 port.
final class MQTTSinkTests: XCTestCase {
    let machineID: UInt32 = 2_887_429_013

    func settings(_ broker: Broker, qos: Int, scheme: String = "tcp") -> MQTTSettings {
        var s = MQTTSettings()
        s.address = "\(scheme)://127.0.0.1:\(broker.port)"
        s.qos = qos
        s.topic = "camflow/provenance/"
        s.clientID = "camflow-test-\(UUID().uuidString.prefix(8))"
        return s
    }

    /// Starts a subscriber and waits until it receives a probe publication.
    func subscribe(_ broker: Broker, qos: Int, topic: String = "camflow/#", extra: [String] = [],
                   pubExtra: [String] = []) throws -> Subscriber {
        let sub = try Subscriber(port: broker.port, topic: topic, qos: qos, extra: extra)
        let ready = waitUntil(10) {
            _ = try? runTool("/usr/bin/mosquitto_pub", ["-h", "127.0.0.1", "-p", String(broker.port), "-q", "1",
                                                        "-t", topic == "camflow/#" ? "camflow/probe" : topic, "-m", "probe"] + pubExtra)
            return sub.payloads.contains { $0.count >= 5 && Array($0.suffix(5)) == Array("probe".utf8) }
        }
        XCTAssertTrue(ready, "subscriber not ready")
        return sub
    }

    /// The record numbers carried by the subscriber's payloads (probes skipped).
    func received(_ sub: Subscriber) throws -> [Int] {
        var numbers: [Int] = []
        for payload in sub.payloads where payload != Array("probe".utf8) {
            XCTAssertEqual(Array(payload.prefix(2)), Array("eJ".utf8), "payload is not base64(zlib)")
            let chunk = try XCTUnwrap(MQTTPayload.decode(payload))
            numbers += try elementNumbers(chunk)
        }
        return numbers.sorted()
    }

    func testPayloadFraming() throws {
        let chunk = w3cDocument(0, elements: 3)
        let payload = chunk.withUnsafeBytes { MQTTPayload.encode($0) }
        XCTAssertEqual(Array(payload.prefix(2)), Array("eJ".utf8))
        XCTAssertEqual(MQTTPayload.decode(payload), chunk)
        XCTAssertNil(MQTTPayload.decode(Array("not base64!".utf8)))
    }

    func testEveryQoSDeliversEveryChunkToPrefixPlusMachineID() throws {
        let dir = try TempDir()
        let broker = try Broker(dir: dir.path)
        for qos in 0...2 {
            let sub = try subscribe(broker, qos: qos, topic: "camflow/provenance/\(machineID)")
            let messages = Messages()
            let sink = try MQTTSink(settings: settings(broker, qos: qos), machineID: machineID)
            XCTAssertEqual(sink.topic, "camflow/provenance/2887429013")
            let pipeline = try XCTUnwrap(OutputPipeline(sink: sink, linesFraming: false, queueBytes: 1 << 24,
                                                        spool: nil, report: messages.reporter))
            for i in 0..<20 { pipeline.submit(w3cDocument(i * 5, elements: 5), records: 5) }
            XCTAssertTrue(waitUntil { pipeline.statistics.chunksWritten == 20 }, "QoS \(qos): \(messages.all)")
            let stats = pipeline.finish(waitMs: 2000)
            XCTAssertEqual(stats.recordsWritten, 100)
            XCTAssertTrue(waitUntil { (try? self.received(sub).count) ?? 0 >= 100 })
            XCTAssertEqual(try received(sub), Array(0..<100), "QoS \(qos)")
        }
    }

    func testHeartbeatOnTheKeepaliveTopicWhileIdle() throws {
        let dir = try TempDir()
        let broker = try Broker(dir: dir.path)
        let sub = try subscribe(broker, qos: 0, topic: "keepalive", extra: ["-v"])
        let pipeline = try XCTUnwrap(OutputPipeline(sink: try MQTTSink(settings: settings(broker, qos: 1), machineID: machineID),
                                                    linesFraming: false, queueBytes: 1 << 20, spool: nil,
                                                    report: Messages().reporter))
        // nothing is submitted: the heartbeat comes from the idle writer
        // mosquitto_sub -v prints "keepalive (null)" for the empty payload
        XCTAssertTrue(waitUntil(10) { sub.payloads.contains { $0 == Array("keepalive (null)".utf8) || $0 == Array("keepalive ".utf8) } },
                      "\(sub.payloads.map { String(decoding: $0, as: UTF8.self) })")
        XCTAssertEqual(pipeline.finish(waitMs: 500).chunksWritten, 0)
    }

    func testUsernameAndPassword() throws {
        let dir = try TempDir()
        let passwords = dir.path + "/passwords"
        try runTool("/usr/bin/mosquitto_passwd", ["-b", "-c", passwords, "camflow", "s3cret"])
        let broker = try Broker(dir: dir.path, extra: ["allow_anonymous false", "password_file \(passwords)"])
        let sub = try subscribe(broker, qos: 1, extra: ["-u", "camflow", "-P", "s3cret"], pubExtra: ["-u", "camflow", "-P", "s3cret"])

        var good = settings(broker, qos: 1)
        good.username = "camflow"
        good.password = "s3cret"
        let pipeline = try XCTUnwrap(OutputPipeline(sink: try MQTTSink(settings: good, machineID: machineID),
                                                    linesFraming: false, queueBytes: 1 << 20, spool: nil,
                                                    report: Messages().reporter))
        pipeline.submit(w3cDocument(0, elements: 4), records: 4)
        XCTAssertTrue(waitUntil { (try? self.received(sub)) == [0, 1, 2, 3] })
        XCTAssertEqual(pipeline.finish(waitMs: 1000).recordsWritten, 4)

        var bad = good
        bad.password = "wrong"
        let messages = Messages()
        let refused = try XCTUnwrap(OutputPipeline(sink: try MQTTSink(settings: bad, machineID: machineID),
                                                   linesFraming: false, queueBytes: 1 << 20, spool: nil,
                                                   report: messages.reporter))
        refused.submit(w3cDocument(10, elements: 1), records: 1)
        XCTAssertTrue(waitUntil(10) { messages.all.contains { $0.contains("cannot publish to \(bad.address ?? ""): ") && $0.contains("not authorised") } },
                      "\(messages.all)")
        let stats = refused.finish(waitMs: 300)
        XCTAssertEqual(stats.recordsWritten, 0)
        XCTAssertEqual(stats.recordsDropped, 1, "not delivered at exit and no spool: counted")
    }

    func testTLSWithClientCertificate() throws {
        let dir = try TempDir()
        let d = dir.path
        let openssl = "/usr/bin/openssl"
        try runTool(openssl, ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=camflow test CA",
                              "-keyout", "\(d)/ca.key", "-out", "\(d)/ca.pem"])
        try "subjectAltName=IP:127.0.0.1,DNS:localhost\n".write(toFile: "\(d)/san.ext", atomically: true, encoding: .utf8)
        for name in ["server", "client"] {
            try runTool(openssl, ["req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=\(name == "server" ? "127.0.0.1" : "camflow")",
                                  "-keyout", "\(d)/\(name).key", "-out", "\(d)/\(name).csr"])
            try runTool(openssl, ["x509", "-req", "-in", "\(d)/\(name).csr", "-CA", "\(d)/ca.pem", "-CAkey", "\(d)/ca.key",
                                  "-CAcreateserial", "-days", "2", "-extfile", "\(d)/san.ext", "-out", "\(d)/\(name).pem"])
        }
        let broker = try Broker(dir: d, extra: ["allow_anonymous true", "cafile \(d)/ca.pem", "certfile \(d)/server.pem",
                                                "keyfile \(d)/server.key", "require_certificate true"])
        let tlsArgs = ["--cafile", "\(d)/ca.pem", "--cert", "\(d)/client.pem", "--key", "\(d)/client.key"]
        let sub = try subscribe(broker, qos: 2, extra: tlsArgs, pubExtra: tlsArgs)

        var tls = settings(broker, qos: 2, scheme: "ssl")
        tls.caFile = "\(d)/ca.pem"
        tls.certFile = "\(d)/client.pem"
        tls.keyFile = "\(d)/client.key"
        let messages = Messages()
        let pipeline = try XCTUnwrap(OutputPipeline(sink: try MQTTSink(settings: tls, machineID: machineID),
                                                    linesFraming: false, queueBytes: 1 << 20, spool: nil,
                                                    report: messages.reporter))
        for i in 0..<5 { pipeline.submit(w3cDocument(i * 2, elements: 2), records: 2) }
        XCTAssertTrue(waitUntil { (try? self.received(sub).count) == 10 }, "\(messages.all)")
        XCTAssertEqual(try received(sub), Array(0..<10))
        XCTAssertEqual(pipeline.finish(waitMs: 1000).recordsWritten, 10)

        // without a client certificate the broker refuses the connection
        var noCert = tls
        noCert.certFile = nil
        noCert.keyFile = nil
        let refusedMessages = Messages()
        let refused = try XCTUnwrap(OutputPipeline(sink: try MQTTSink(settings: noCert, machineID: machineID),
                                                   linesFraming: false, queueBytes: 1 << 20, spool: nil,
                                                   report: refusedMessages.reporter))
        refused.submit(w3cDocument(100, elements: 1), records: 1)
        XCTAssertTrue(waitUntil(10) { refused.statistics.retries > 0 })
        XCTAssertEqual(refused.finish(waitMs: 300).recordsWritten, 0)
        XCTAssertEqual(try received(sub), Array(0..<10))
    }

    func testBrokerDownAtStartThenUp() throws {
        let dir = try TempDir()
        let broker = try Broker(dir: dir.path)
        broker.stop()
        let messages = Messages()
        let pipeline = try XCTUnwrap(OutputPipeline(sink: try MQTTSink(settings: settings(broker, qos: 1), machineID: machineID),
                                                    linesFraming: false, queueBytes: 1 << 20,
                                                    spool: try Spool(directory: dir.path + "/spool", maxBytes: 1 << 24),
                                                    report: messages.reporter))
        pipeline.submit(w3cDocument(0, elements: 1), records: 1)
        XCTAssertTrue(waitUntil { pipeline.statistics.retries > 0 })
        for i in 1..<10 { pipeline.submit(w3cDocument(i, elements: 1), records: 1) }
        XCTAssertTrue(messages.all.contains { $0.hasPrefix("error: cannot publish to tcp://127.0.0.1:\(broker.port): ") }, "\(messages.all)")
        XCTAssertGreaterThan(pipeline.statistics.spoolChunks, 0, "nothing went to the spool while the broker was down")
        try broker.start()
        let sub = try subscribe(broker, qos: 1)
        _ = sub
        XCTAssertTrue(waitUntil { pipeline.statistics.chunksWritten == 10 }, "\(messages.all)")
        let stats = pipeline.finish(waitMs: 1000)
        XCTAssertEqual(stats.recordsWritten, 10)
        XCTAssertEqual(stats.recordsDropped, 0)
    }

    func testBrokerRestartMidStreamLosesAndDuplicatesNothingAtQoS2() throws {
        let dir = try TempDir()
        let broker = try Broker(dir: dir.path)
        // persistent subscriber session: the broker keeps its messages across the restart
        let sub = try subscribe(broker, qos: 2, extra: ["-c", "-i", "camflow-test-sub"])
        let messages = Messages()
        let pipeline = try XCTUnwrap(OutputPipeline(sink: try MQTTSink(settings: settings(broker, qos: 2), machineID: machineID),
                                                    linesFraming: false, queueBytes: 1 << 24,
                                                    spool: try Spool(directory: dir.path + "/spool", maxBytes: 1 << 26),
                                                    report: messages.reporter))
        let total = 300
        let producer = Thread {
            for i in 0..<total {
                pipeline.submit(w3cDocument(i * 3, elements: 3), records: 3)
                usleep(10_000)
            }
        }
        producer.start()
        XCTAssertTrue(waitUntil { pipeline.statistics.chunksWritten >= 60 })
        broker.stop(signal: SIGTERM)
        usleep(1_500_000)
        XCTAssertGreaterThan(pipeline.statistics.retries, 0, "the outage was not noticed")
        try broker.start()
        XCTAssertTrue(waitUntil(60) { pipeline.statistics.chunksWritten == UInt64(total) }, "\(pipeline.statistics) \(messages.all)")
        XCTAssertTrue(waitUntil(20) { (try? self.received(sub).count) ?? 0 >= total * 3 })
        usleep(500_000)  // a duplicate would arrive now
        let stats = pipeline.finish(waitMs: 2000)
        XCTAssertEqual(stats.recordsWritten, UInt64(total * 3))
        XCTAssertEqual(stats.recordsDropped, 0)
        XCTAssertGreaterThan(stats.chunksSpooled, 0)
        XCTAssertEqual(try received(sub), Array(0..<(total * 3)), "every record exactly once")
    }
}
