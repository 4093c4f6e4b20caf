import Glibc

/// Why output could not be written: the file and the system's reason.
public struct OutputError: Error, CustomStringConvertible, Sendable {
    public let path: String
    public let reason: String
    public var description: String { "cannot write \(path): \(reason)" }
}

/// A buffered writer to a file or standard output (`-`).
public final class OutputFile {
    public let path: String
    private let fd: Int32
    private let ownsDescriptor: Bool
    private var buffer: [UInt8] = []
    private let flushThreshold = 1 << 20

    /// Creates (truncates) `path`, or uses standard output for `-`.
    public init(path: String) throws(OutputError) {
        self.path = path
        if path == "-" {
            fd = 1
            ownsDescriptor = false
        } else {
            let opened = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            guard opened >= 0 else { throw OutputError(path: path, reason: String(cString: strerror(errno))) }
            fd = opened
            ownsDescriptor = true
        }
        buffer.reserveCapacity(flushThreshold + 65536)
    }

    deinit { if ownsDescriptor { close(fd) } }

    /// Appends bytes, writing out when the buffer is large.
    public func write(_ bytes: [UInt8]) throws(OutputError) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= flushThreshold { try flush() }
    }

    /// Appends text.
    public func write(_ text: String) throws(OutputError) { try write(Array(text.utf8)) }

    /// Writes everything buffered.
    public func flush() throws(OutputError) {
        var done = 0
        let total = buffer.count
        while done < total {
            let n = buffer.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + done, total - done) }
            if n < 0 {
                if errno == EINTR { continue }
                let reason = String(cString: strerror(errno))
                buffer.removeAll(keepingCapacity: true)
                throw OutputError(path: path == "-" ? "standard output" : path, reason: reason)
            }
            done += n
        }
        buffer.removeAll(keepingCapacity: true)
    }
}
