import Glibc
import Provenance

/// Appends chunks to a file, each followed by a newline (`output=log`).
///
/// Opened with `O_CREAT|O_WRONLY|O_APPEND|O_CLOEXEC`, mode 0644. Differences
/// from the reference: `O_APPEND` (the reference wrote at its own offset, so
/// copy-truncate rotation left sparse files), no fsync per chunk (`flush()`
/// does it, at shutdown), and `reopen()` for rotation on SIGHUP.
public final class LogSink: Sink {
    /// The file written.
    public let path: String
    private var fd: Int32

    /// Opens (creating if needed) the log file.
    /// - Throws: `SystemError` naming the path.
    public init(path: String) throws {
        self.path = path
        fd = try Self.open(path)
    }

    deinit { close() }

    private static func open(_ path: String) throws -> Int32 {
        let fd = Glibc.open(path, O_CREAT | O_WRONLY | O_APPEND | O_CLOEXEC, 0o644)
        if fd < 0 { throw SystemError(path: path, operation: "open log file", code: errno) }
        return fd
    }

    /// Writes `chunk` and a newline, with one writev(2) when possible.
    public func write(_ chunk: UnsafeRawBufferPointer) throws {
        guard fd >= 0 else { throw SystemError(path: path, operation: "write", code: EBADF) }
        var newline: UInt8 = 10
        var done = 0
        let total = chunk.count + 1
        while done < total {
            let n: Int = withUnsafeMutablePointer(to: &newline) { nl in
                if done < chunk.count {
                    var iov = [
                        iovec(iov_base: UnsafeMutableRawPointer(mutating: chunk.baseAddress.map { $0 + done }),
                              iov_len: chunk.count - done),
                        iovec(iov_base: UnsafeMutableRawPointer(nl), iov_len: 1),
                    ]
                    return writev(fd, &iov, 2)
                }
                return Glibc.write(fd, nl, 1)
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw SystemError(path: path, operation: "write", code: errno)
            }
            done += n
        }
    }

    /// fsync(2) the file.
    public func flush() throws {
        guard fd >= 0 else { return }
        if fsync(fd) != 0 && errno != EINVAL {
            throw SystemError(path: path, operation: "fsync", code: errno)
        }
    }

    /// Opens the path again (after rotation) and closes the old descriptor.
    public func reopen() throws {
        let newFD = try Self.open(path)
        if fd >= 0 { Glibc.close(fd) }
        fd = newFD
    }

    /// Closes the file; later writes fail with EBADF.
    public func close() {
        if fd >= 0 {
            Glibc.close(fd)
            fd = -1
        }
    }
}
