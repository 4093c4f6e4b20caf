import Glibc

/// A failed system call on a named file, carrying everything a one-line
/// error message needs: the path, what was attempted and the errno.
public struct SystemError: Error, Equatable, CustomStringConvertible {
    /// The file the operation was applied to.
    public var path: String
    /// What was attempted ("open", "read", "write"...).
    public var operation: String
    /// The errno value, or 0 for failures that are not errno-based.
    public var code: Int32
    /// Extra explanation for non-errno failures (e.g. "expected 4 bytes, got 2").
    public var detail: String?

    /// Creates an error.
    public init(path: String, operation: String, code: Int32, detail: String? = nil) {
        self.path = path
        self.operation = operation
        self.code = code
        self.detail = detail
    }

    /// strerror text of `code`, or the detail.
    public var reason: String {
        if let detail { return detail }
        return String(cString: strerror(code))
    }

    public var description: String { "cannot \(operation) \(path): \(reason)" }
}

/// Small POSIX helpers for the kernel control files and id files.
///
/// Every function reports failures as a `SystemError` naming the path.
/// Control files are opened without `O_CREAT` and without `O_TRUNC`
/// (securityfs files exist or the feature is absent; truncation is not
/// supported by every pseudo file system).
public enum SystemFile {
    /// Writes `bytes` to the existing file at `path` in one `write(2)`.
    public static func write(_ bytes: [UInt8], to path: String) throws {
        try bytes.withUnsafeBytes { (buffer) in
            try write(buffer, to: path)
        }
    }

    /// Writes the raw bytes of `buffer` to the existing file at `path` in one `write(2)`.
    public static func write(_ buffer: UnsafeRawBufferPointer, to path: String) throws {
        let fd = open(path, O_WRONLY | O_CLOEXEC)
        if fd < 0 { throw SystemError(path: path, operation: "open", code: errno) }
        defer { close(fd) }
        while true {
            let n = Glibc.write(fd, buffer.baseAddress, buffer.count)
            if n < 0 {
                if errno == EINTR { continue }
                throw SystemError(path: path, operation: "write", code: errno)
            }
            return
        }
    }

    /// Writes the raw bytes of a C value (a control structure) to `path`.
    public static func writeValue<T>(_ value: T, to path: String) throws {
        var copy = value
        try withUnsafeBytes(of: &copy) { (buffer) in
            try write(buffer, to: path)
        }
    }

    /// Reads up to `limit` bytes from `path` (one file, repeated `read(2)` until EOF or limit).
    public static func read(_ path: String, limit: Int = 65_536) throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw SystemError(path: path, operation: "open", code: errno) }
        defer { close(fd) }
        var result = [UInt8](repeating: 0, count: max(limit, 1))
        var total = 0
        while total < limit {
            let n = result.withUnsafeMutableBytes { buf -> Int in
                guard let base = buf.baseAddress else { return 0 }
                return Glibc.read(fd, base + total, limit - total)
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw SystemError(path: path, operation: "read", code: errno)
            }
            if n == 0 { break }
            total += n
        }
        result.removeLast(result.count - total)
        return result
    }

    /// Reads exactly `MemoryLayout<T>.size` bytes from `path` and returns them as a `T`.
    /// - Throws: a `SystemError` whose detail gives the sizes when the file is shorter.
    public static func readValue<T>(_ type: T.Type, from path: String) throws -> T {
        let size = MemoryLayout<T>.size
        let bytes = try read(path, limit: size)
        guard bytes.count == size else {
            throw SystemError(path: path, operation: "read", code: 0,
                              detail: "expected \(size) bytes, got \(bytes.count)")
        }
        return bytes.withUnsafeBytes { $0.loadUnaligned(as: T.self) }
    }

    /// Creates or replaces the regular file at `path` with `bytes` (mode 0644).
    public static func replace(_ path: String, with bytes: [UInt8]) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        if fd < 0 { throw SystemError(path: path, operation: "create", code: errno) }
        defer { close(fd) }
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { buf -> Int in
                guard let base = buf.baseAddress else { return 0 }
                return Glibc.write(fd, base + done, buf.count - done)
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw SystemError(path: path, operation: "write", code: errno)
            }
            done += n
        }
    }

    /// Whether something exists at `path`.
    public static func exists(_ path: String) -> Bool {
        access(path, F_OK) == 0
    }
}
