import Glibc
import Provenance

/// Writes chunks, each followed by a NUL byte, into a named pipe
/// (`output=fifo`).
///
/// The FIFO is created (mode 0600) if missing and reused if present (the
/// original failed on restart because the FIFO existed). It is opened
/// `O_RDWR|O_NONBLOCK` (Linux, fifo(7)): the open never waits, the recorder
/// never gets SIGPIPE, and because the recorder holds the pipe open, bytes
/// already in the pipe stay there for the next reader when one goes away.
/// When the pipe is full (no reader, or a slow one) `write` waits a little
/// and throws `.retry`; the pipeline calls it again with the same chunk and
/// it continues at the first byte not yet in the pipe: a reader that
/// consumes whole NUL-terminated chunks sees every chunk exactly once.
public final class FIFOSink: Sink {
    /// The FIFO path.
    public let path: String
    public var name: String { "fifo \(path)" }
    private var fd: Int32

    /// How long one `write` waits for room in the pipe.
    static let waitMs: Int32 = 200

    /// Creates the FIFO if needed and opens it.
    /// - Throws: `SystemError` naming the path (not a FIFO, mkfifo or open failure).
    public init(path: String, onOpen: (Int32, String) -> Void = { _, _ in }) throws {
        self.path = path
        var st = stat()
        if lstat(path, &st) == 0 {
            guard st.st_mode & S_IFMT == S_IFIFO else {
                throw SystemError(path: path, operation: "use FIFO", code: 0, detail: "exists and is not a FIFO")
            }
        } else if errno == ENOENT {
            if mkfifo(path, 0o600) != 0 && errno != EEXIST {
                throw SystemError(path: path, operation: "create FIFO", code: errno)
            }
        } else {
            throw SystemError(path: path, operation: "stat FIFO", code: errno)
        }
        fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC | O_NOFOLLOW)
        if fd < 0 { throw SystemError(path: path, operation: "open FIFO", code: errno) }
        onOpen(fd, path)
    }

    deinit { close() }

    public func write(_ chunk: UnsafeRawBufferPointer, progress: inout Int) throws {
        guard fd >= 0 else { throw SinkError(.failed, "cannot write \(path): the FIFO is closed") }
        switch writeFramed(fd: fd, chunk, terminator: .nul, progress: &progress) {
        case .done: return
        case .wouldBlock:
            var p = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
            if poll(&p, 1, Self.waitMs) > 0 {
                // room again: continue right away
                if case .done = writeFramed(fd: fd, chunk, terminator: .nul, progress: &progress) { return }
            }
            throw SinkError(.retry, "fifo \(path) is full: waiting for a reader")
        case let .failed(code):
            throw SinkError(code == EINTR ? .retry : .failed, "cannot write \(path): \(describeErrno(code))")
        }
    }

    /// How long `flush` waits for a reader to empty the pipe.
    public var drainWaitMs: Int64 = 10_000

    /// Waits (up to `drainWaitMs`) until readers took everything in the
    /// pipe: what is still in it when the recorder closes the FIFO is lost.
    /// - Throws: `SinkError` saying how many bytes no reader took.
    public func flush() throws {
        guard fd >= 0 else { return }
        let deadline = monotonicMilliseconds() + drainWaitMs
        var unread: Int32 = 0
        while ioctl(fd, UInt(FIONREAD), &unread) == 0 && unread > 0 && monotonicMilliseconds() < deadline {
            usleep(20_000)
        }
        if unread > 0 {
            throw SinkError(.failed, "fifo \(path): \(unread) bytes were not read by any reader and are lost")
        }
    }

    /// A FIFO has nothing to rotate: keeps the descriptor.
    public func reopen() throws {}

    public func close() {
        if fd >= 0 {
            Glibc.close(fd)
            fd = -1
        }
    }
}
