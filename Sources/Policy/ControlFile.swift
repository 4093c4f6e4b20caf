import Glibc
import Provenance

/// Writes and queries on securityfs control files.
///
/// Every write is one `write(2)` on a fresh descriptor opened with
/// `O_APPEND`: the provenance LSM's control files ignore the file position,
/// and on the regular files of a test tree each write is kept after the
/// previous one, so tests see every write in order.
///
/// A query (the "process", "file" and "type" files) writes the request and
/// then reads the answer from offset 0 of the same open file (`pread`): the
/// kernel answers from offset 0, and a test tree pre-filled with the answer
/// bytes keeps them in front of the appended request.
public enum ControlFile {
    /// Writes `bytes` to the existing file at `path` in one `write(2)`.
    /// - Throws: `SystemError` naming the path (open, write, short write).
    public static func write(_ bytes: [UInt8], to path: String) throws {
        let fd = try open(path, O_WRONLY | O_APPEND | O_CLOEXEC)
        defer { close(fd) }
        try writeAll(fd, bytes, path: path)
    }

    /// Writes the raw bytes of a C value (a control structure) to `path`.
    public static func writeValue<T>(_ value: T, to path: String) throws {
        try write(bytes(of: value), to: path)
    }

    /// Writes `request` to `path`, then reads `answerSize` bytes from offset 0
    /// of the same open file.
    /// - Throws: `SystemError` naming the path; a shorter answer is an error.
    public static func query(_ request: [UInt8], at path: String, answerSize: Int) throws -> [UInt8] {
        let fd = try open(path, O_RDWR | O_APPEND | O_CLOEXEC)
        defer { close(fd) }
        try writeAll(fd, request, path: path)
        var answer = [UInt8](repeating: 0, count: answerSize)
        var total = 0
        while total < answerSize {
            let n = answer.withUnsafeMutableBytes { buf -> Int in
                guard let base = buf.baseAddress else { return 0 }
                return pread(fd, base + total, answerSize - total, off_t(total))
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw SystemError(path: path, operation: "read", code: errno)
            }
            if n == 0 { break }
            total += n
        }
        guard total == answerSize else {
            throw SystemError(path: path, operation: "read", code: 0,
                              detail: "expected \(answerSize) bytes, got \(total)")
        }
        return answer
    }

    /// The raw bytes of a C value.
    public static func bytes<T>(of value: T) -> [UInt8] {
        withUnsafeBytes(of: value) { Array($0) }
    }

    /// Loads a C value from the start of `bytes` (which must be long enough).
    static func load<T>(_ type: T.Type, from bytes: ArraySlice<UInt8>) -> T {
        bytes.withUnsafeBytes { $0.loadUnaligned(as: T.self) }
    }

    private static func open(_ path: String, _ flags: Int32) throws -> Int32 {
        let fd = Glibc.open(path, flags)
        if fd < 0 { throw SystemError(path: path, operation: "open", code: errno) }
        return fd
    }

    private static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws {
        while true {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw SystemError(path: path, operation: "write", code: errno)
            }
            guard n == bytes.count else {
                throw SystemError(path: path, operation: "write", code: 0,
                                  detail: "short write (\(n) of \(bytes.count) bytes)")
            }
            return
        }
    }
}
