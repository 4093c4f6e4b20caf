import CProvenanceABI
import Glibc
import Provenance

/// Counters kept by a `RelayReader`.
public struct ReaderStats: Sendable, Equatable {
    /// Bytes returned by read(2).
    public var bytesRead: UInt64 = 0
    /// Records framed (decoded or not).
    public var records: UInt64 = 0
    /// Records decoded into a `Record`.
    public var decoded: UInt64 = 0
    /// Records skipped because they could not be decoded (framing intact).
    public var undecodable: UInt64 = 0
    /// Times the stream could not be framed (bad size); buffered bytes were discarded.
    public var framingErrors: UInt64 = 0
    /// Bytes discarded after framing errors.
    public var discardedBytes: UInt64 = 0

    /// Creates a value from its fields.
    public init() {}

    /// Adds another reader's counters to these.
    public mutating func add(_ other: ReaderStats) {
        bytesRead += other.bytesRead
        records += other.records
        decoded += other.decoded
        undecodable += other.undecodable
        framingErrors += other.framingErrors
        discardedBytes += other.discardedBytes
    }
}

/// Reads one relay file and turns its byte stream into records.
///
/// The file is opened `O_RDONLY|O_NONBLOCK`. Each `readAvailable` call does
/// one read(2) into its `RecordFramer`'s buffer, allocated once, which
/// completes records cut by a read with the next one and skips (or, when
/// a size is bad, discards) what cannot be decoded. `readRaw` reads bytes
/// for another thread's framer instead (the recorder's reader threads).
///
/// Not thread-safe: one reader belongs to one thread.
public final class RelayReader {
    /// The relay file read.
    public let path: String
    /// Counters since the reader was opened (of `readAvailable`; `readRaw`
    /// counts only `bytesRead`).
    public var stats: ReaderStats {
        var s = framer.stats
        s.bytesRead += rawBytesRead
        return s
    }

    private let fd: Int32
    private let framer: RecordFramer
    private var rawBytesRead: UInt64 = 0

    /// Default buffer size: a multiple of the largest record.
    public static let defaultBufferSize = 256 * 1024

    /// Opens `path` for reading.
    /// - Parameter bufferSize: read buffer size; raised to at least `2 * PROV_RECORD_MAX`.
    /// - Throws: `SystemError` naming the file.
    public init(path: String, bufferSize: Int = RelayReader.defaultBufferSize) throws {
        self.path = path
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        if fd < 0 { throw SystemError(path: path, operation: "open", code: errno) }
        self.fd = fd
        framer = RecordFramer(bufferSize: bufferSize)
    }

    deinit {
        close(fd)
    }

    /// Bytes of an incomplete record kept for the next read.
    public var pendingBytes: Int { framer.pendingBytes }

    /// Waits up to `timeoutMs` milliseconds for data, or until `wakeFD`
    /// (if not -1) becomes readable. Returns true if the relay file is
    /// readable (or in error, so that the next read reports it).
    public func wait(timeoutMs: Int32, wakeFD: Int32 = -1) -> Bool {
        var fds = (pollfd(fd: fd, events: Int16(POLLIN | POLLRDNORM), revents: 0),
                   pollfd(fd: wakeFD, events: Int16(POLLIN), revents: 0))
        let rc = withUnsafeMutableBytes(of: &fds) { raw -> Int32 in
            guard let base = raw.baseAddress?.assumingMemoryBound(to: pollfd.self) else { return 0 }
            return poll(base, wakeFD >= 0 ? 2 : 1, timeoutMs)
        }
        return rc > 0 && fds.0.revents != 0
    }

    /// Reads once and hands every complete record to `onRecord`, in order.
    /// - Parameters:
    ///   - onRecord: called for each decoded record.
    ///   - onError: called for each record that could not be decoded, and for
    ///     framing errors (after which buffered bytes are dropped).
    /// - Returns: bytes read; 0 when no data was available (EAGAIN or end of file).
    /// - Throws: `SystemError` for read errors other than EAGAIN/EINTR.
    @discardableResult
    public func readAvailable(onRecord: (Record) -> Void,
                              onError: (DecodeError) -> Void = { _ in }) throws -> Int {
        try withoutActuallyEscaping(onRecord) { onRecord in
            try withoutActuallyEscaping(onError) { onError in
                var consumer = ClosureConsumer(onRecord: onRecord, onError: onError)
                return try readAvailable(into: &consumer)
            }
        }
    }

    /// Reads once and hands every complete record to `consumer`, in order
    /// (no closure context, no dynamic exclusivity check per record).
    /// - Returns: bytes read; 0 when no data was available (EAGAIN or end of file).
    /// - Throws: `SystemError` for read errors other than EAGAIN/EINTR.
    @discardableResult
    public func readAvailable<Consumer: RecordConsumer>(into consumer: inout Consumer) throws -> Int {
        try framer.fill(using: { try readOnce(into: $0) }, into: &consumer)
    }

    /// Reads once into `destination`, without decoding (the bytes go to
    /// another thread's `RecordFramer`, in order).
    /// - Returns: bytes read; 0 when no data was available (EAGAIN or end of file).
    /// - Throws: `SystemError` for read errors other than EAGAIN/EINTR.
    public func readRaw(into destination: UnsafeMutableRawBufferPointer) throws -> Int {
        let n = try readOnce(into: destination)
        rawBytesRead += UInt64(n)
        return n
    }

    private func readOnce(into destination: UnsafeMutableRawBufferPointer) throws -> Int {
        var n: Int
        repeat {
            n = read(fd, destination.baseAddress, destination.count)
        } while n < 0 && errno == EINTR
        if n < 0 {
            if errno == EAGAIN || errno == EWOULDBLOCK { return 0 }
            throw SystemError(path: path, operation: "read", code: errno)
        }
        return n
    }
}

/// Adapts the closure-based `readAvailable`.
private struct ClosureConsumer: RecordConsumer {
    let onRecord: (Record) -> Void
    let onError: (DecodeError) -> Void
    func consume(_ record: Record) { onRecord(record) }
    func failed(_ error: DecodeError) { onError(error) }
}
