import Foundation
import Glibc
import XCTest
@testable import Sinks

/// A free TCP port on 127.0.0.1 (bound then released).
func freePort() -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    addr.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { p -> Int32 in
            _ = bind(fd, p, length)
            return getsockname(fd, p, &length)
        }
    }
    return Int(UInt16(bigEndian: addr.sin_port))
}

/// Runs a program to completion; fails the test on a non-zero status.
@discardableResult
func runTool(_ path: String, _ arguments: [String], file: StaticString = #filePath, line: UInt = #line) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    let out = Pipe()
    process.standardOutput = out
    process.standardError = out
    try process.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let text = String(decoding: data, as: UTF8.self)
    XCTAssertEqual(process.terminationStatus, 0, "\(path) \(arguments): \(text)", file: file, line: line)
    return text
}

/// A real mosquitto broker on 127.0.0.1, configured by the test.
final class Broker: @unchecked Sendable {
    let port: Int
    let dir: String
    let configPath: String
    private(set) var process: Process?
    private var log = Pipe()

    /// Writes the configuration (`extra` lines after the listener) and starts the broker.
    init(dir: String, extra: [String] = ["allow_anonymous true"]) throws {
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
    func start() throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/sbin/mosquitto")
        p.arguments = ["-c", configPath]
        log = Pipe()
        p.standardOutput = log
        p.standardError = log
        try p.run()
        process = p
        let up = waitUntil(10) {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            defer { close(fd) }
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET)
            addr.sin_addr.s_addr = inet_addr("127.0.0.1")
            addr.sin_port = UInt16(port).bigEndian
            return withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            } == 0
        }
        XCTAssertTrue(up, "mosquitto did not start on port \(port)")
    }

    /// Stops the broker with `signal` (SIGTERM saves its persistence).
    func stop(signal: Int32 = SIGTERM) {
        guard let p = process, p.isRunning else { return }
        kill(p.processIdentifier, signal)
        p.waitUntilExit()
        process = nil
    }
}

/// `mosquitto_sub` printing each payload on its own line.
final class Subscriber: @unchecked Sendable {
    let process = Process()
    private let out = Pipe()
    private let lock = NSLock()
    private var buffer: [UInt8] = []
    private let stderrText = Pipe()

    init(port: Int, topic: String, qos: Int, extra: [String] = []) throws {
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
    var payloads: [[UInt8]] {
        lock.withLock {
            buffer.split(separator: 10, omittingEmptySubsequences: false).dropLast().map(Array.init)
        }
    }
}
