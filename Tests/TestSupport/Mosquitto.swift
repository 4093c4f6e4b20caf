import Foundation
import Glibc

/// mosquitto did not accept connections in time.
public struct BrokerDidNotStart: Error, CustomStringConvertible {
    /// The port it was told to listen on.
    public var port: Int
    public var description: String { "mosquitto did not start on 127.0.0.1:\(port)" }
}

/// A real mosquitto broker on a free 127.0.0.1 port, configured by the test,
/// with its persistence in the test's directory.
public final class Broker: @unchecked Sendable {
    /// The listening port.
    public let port: Int
    /// The directory holding the configuration and the persistence file.
    public let dir: String
    /// The configuration file written.
    public let configPath: String
    private var process: Process?

    /// Writes the configuration (`extra` lines after the listener) and starts the broker.
    /// - Throws: `BrokerDidNotStart` if it does not accept connections within 10 s.
    public init(dir: String, extra: [String] = ["allow_anonymous true"]) throws {
        self.dir = dir
        port = freePort()
        configPath = dir + "/mosquitto.conf"
        // `user root`: a broker started by root keeps root, so it can read the test's 0600 files
        let owner = getuid() == 0 ? ["user root"] : []
        let lines = owner + ["listener \(port) 127.0.0.1", "persistence true", "persistence_location \(dir)/",
                             "max_queued_messages 100000"] + extra
        try (lines.joined(separator: "\n") + "\n").write(toFile: configPath, atomically: true, encoding: .utf8)
        try start()
    }

    deinit { stop(signal: SIGKILL) }

    /// Starts mosquitto and waits until it accepts connections.
    /// - Throws: `BrokerDidNotStart` after 10 s.
    public func start() throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/sbin/mosquitto")
        p.arguments = ["-c", configPath]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        process = p
        guard waitUntil(10, { acceptsConnections(port: port) }) else { throw BrokerDidNotStart(port: port) }
    }

    /// Stops the broker with `signal` (SIGTERM saves its persistence).
    public func stop(signal: Int32 = SIGTERM) {
        guard let p = process, p.isRunning else { return }
        kill(p.processIdentifier, signal)
        p.waitUntilExit()
        process = nil
    }
}

/// `mosquitto_sub` printing each payload on its own line.
public final class Subscriber: @unchecked Sendable {
    /// The mosquitto_sub process.
    public let process = Process()
    private let out = Pipe()
    private let lock = NSLock()
    private var buffer: [UInt8] = []
    private let stderrText = Pipe()

    /// Starts `mosquitto_sub -t topic -q qos` (plus `extra`) on 127.0.0.1:`port`.
    public init(port: Int, topic: String, qos: Int, extra: [String] = []) throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/mosquitto_sub")
        process.arguments = ["-h", "127.0.0.1", "-p", String(port), "-t", topic, "-q", String(qos)] + extra
        process.standardOutput = out
        process.standardError = stderrText
        out.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            guard let self else { return }
            self.lock.withLock { self.buffer += data }
        }
        try process.run()
    }

    deinit {
        out.fileHandleForReading.readabilityHandler = nil
        if process.isRunning { process.terminate() }
    }

    /// Complete payload lines received so far.
    public var payloads: [[UInt8]] {
        lock.withLock {
            buffer.split(separator: 10, omittingEmptySubsequences: false).dropLast().map(Array.init)
        }
    }
}
