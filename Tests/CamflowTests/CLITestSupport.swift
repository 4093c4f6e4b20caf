import CProvenanceABI
import Foundation
import TestSupport
import XCTest

/// Runs the built `camflow` binary as a subprocess.
enum CLI {
    /// The camflow executable next to the test bundle (same build directory).
    static var binary: String {
        if let env = ProcessInfo.processInfo.environment["CAMFLOW_BINARY"] { return env }
        let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var dir = exe.deletingLastPathComponent()
        // XCTest runs <build>/camflowPackageTests.xctest; find <build>/camflow
        for _ in 0..<3 {
            let candidate = dir.appendingPathComponent("camflow").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return exe.deletingLastPathComponent().appendingPathComponent("camflow").path
    }

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
        var stderrLines: [String] { stderr.split(separator: "\n").map(String.init) }
    }

    /// Runs `executable` (default: camflow) with `arguments` to completion.
    static func run(_ arguments: [String], executable: String = binary) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus,
                      stdout: String(decoding: stdout, as: UTF8.self),
                      stderr: String(decoding: stderr, as: UTF8.self))
    }
}

extension TempDir {
    /// A securityfs stand-in with the files `record` and `configure` use.
    func securityFS() -> String {
        for name in ["self", "epoch", "flush", "enable", "all", "relay_conf"] { file("sec/" + name) }
        file("sec/dropped", [0, 0, 0, 0, 0, 0, 0, 0])
        text("sec/abi_version", "\(PROV_ABI_VERSION)\n")
        file("sec/boot_id", [0, 0, 0, 0])
        file("sec/machine_id", [0, 0, 0, 0])
        return path + "/sec"
    }

    /// A camflowd.ini writing W3C to `log` in this directory.
    func recorderConfig(log: String = "audit.log") -> String {
        text("camflowd.ini", "[general]\noutput=log\nformat=w3c\n[log]\npath=\(path)/\(log)\n")
    }
}

extension FakeSecurityFS {
    /// Runs `camflow` with `args` and `--securityfs-root` this tree.
    func run(_ args: [String]) throws -> CLI.Result {
        try CLI.run(args + ["--securityfs-root", root])
    }
}
