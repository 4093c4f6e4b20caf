import Glibc
import Provenance

/// Appends chunks to a file (`output=log`): W3C documents one per line,
/// SPADE chunks as they are (their lines already end in `\n`).
///
/// Opened with `O_CREAT|O_WRONLY|O_APPEND|O_NOFOLLOW|O_CLOEXEC`, mode 0600.
/// Differences from the reference: `O_APPEND` (the reference wrote at its
/// own offset, so copy-truncate rotation left sparse files), no symlink
/// followed, no fsync per chunk (`flush()` does it), `reopen()` for rotation
/// on SIGHUP, and a full disk is a `.retry` error: the pipeline waits and
/// continues the same chunk where it stopped, so lines are never torn or
/// doubled.
public final class LogSink: Sink {
    /// The file written.
    public let path: String
    public var name: String { "log \(path)" }
    private let terminator: ChunkTerminator
    private let onOpen: (Int32, String) -> Void
    private var fd: Int32

    /// Opens (creating if needed) the log file.
    /// - Parameters:
    ///   - terminator: appended to every chunk (`.newline` for W3C, `.none` for SPADE).
    ///   - onOpen: called with every descriptor opened (the recorder marks
    ///     the file opaque there).
    /// - Throws: `SystemError` naming the path.
    public init(path: String, terminator: ChunkTerminator = .newline,
                onOpen: @escaping (Int32, String) -> Void = { _, _ in }) throws {
        self.path = path
        self.terminator = terminator
        self.onOpen = onOpen
        fd = try Self.open(path)
        onOpen(fd, path)
    }

    deinit { close() }

    private static func open(_ path: String) throws -> Int32 {
        let fd = Glibc.open(path, O_CREAT | O_WRONLY | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0o600)
        if fd < 0 { throw SystemError(path: path, operation: "open log file", code: errno) }
        return fd
    }

    public func write(_ chunk: UnsafeRawBufferPointer, progress: inout Int) throws {
        guard fd >= 0 else { throw SinkError(.failed, "cannot write \(path): the log is closed") }
        switch writeFramed(fd: fd, chunk, terminator: terminator, progress: &progress) {
        case .done: return
        case .wouldBlock: throw SinkError(.retry, "cannot write \(path): \(describeErrno(EAGAIN))")
        case let .failed(code):
            let kind: SinkError.Kind = (code == ENOSPC || code == EDQUOT || code == EIO) ? .retry : .failed
            throw SinkError(kind, "cannot write \(path): \(describeErrno(code))")
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
        onOpen(newFD, path)
        if fd >= 0 { Glibc.close(fd) }
        fd = newFD
    }

    /// Closes the file; later writes fail.
    public func close() {
        if fd >= 0 {
            Glibc.close(fd)
            fd = -1
        }
    }
}
