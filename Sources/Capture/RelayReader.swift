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
/// one read(2) into a buffer allocated once; a record cut by the end of a
/// read stays in the buffer and is completed by the next read. Undecodable
/// records whose size is sane are counted and skipped by `hdr.size`; when the
/// size itself is bad the stream cannot be resynchronised, so the buffered
/// bytes are discarded, counted, and reported through `onError`.
///
/// Not thread-safe: one reader belongs to one thread.
public final class RelayReader {
    /// The relay file read.
    public let path: String
    /// Counters since the reader was opened.
    public private(set) var stats = ReaderStats()

    private let fd: Int32
    private let buffer: UnsafeMutableRawBufferPointer
    private var filled = 0
    /// Arrays the text payloads are decoded into, reused from record to record.
    private var scratch = DecodeScratch()

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
        let size = max(bufferSize, 2 * Int(PROV_RECORD_MAX))
        buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 8)
    }

    deinit {
        close(fd)
        buffer.deallocate()
    }

    /// Bytes of an incomplete record kept for the next read.
    public var pendingBytes: Int { filled }

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
    /// (the recorder's hot path: no closure context, no dynamic
    /// exclusivity check per record).
    /// - Returns: bytes read; 0 when no data was available (EAGAIN or end of file).
    /// - Throws: `SystemError` for read errors other than EAGAIN/EINTR.
    @discardableResult
    public func readAvailable<Consumer: RecordConsumer>(into consumer: inout Consumer) throws -> Int {
        var n: Int
        repeat {
            n = read(fd, buffer.baseAddress.map { $0 + filled }, buffer.count - filled)
        } while n < 0 && errno == EINTR
        if n < 0 {
            if errno == EAGAIN || errno == EWOULDBLOCK { return 0 }
            throw SystemError(path: path, operation: "read", code: errno)
        }
        if n == 0 { return 0 }
        stats.bytesRead += UInt64(n)
        filled += n
        // The counters and the payload scratch live in locals while the
        // records are handed over (one class access per read, not per record).
        var counters = stats
        var payloads = DecodeScratch()
        swap(&payloads, &scratch)
        filled = process(into: &consumer, stats: &counters, scratch: &payloads)
        swap(&payloads, &scratch)
        stats = counters
        return n
    }

    /// Decodes the complete records at the start of the buffer, moves the
    /// rest to the front and returns how many bytes are left there.
    private func process<Consumer: RecordConsumer>(
        into consumer: inout Consumer, stats: inout ReaderStats, scratch: inout DecodeScratch
    ) -> Int {
        let filled = self.filled
        let data = UnsafeRawBufferPointer(rebasing: buffer[0..<filled])
        var offset = 0
        while filled - offset >= RecordDecoder.headerSize {
            let rest = UnsafeRawBufferPointer(rebasing: data[offset...])
            let size: Int
            do {
                let hdr = rest.loadUnaligned(as: prov_record_header.self)
                size = try RecordDecoder.checkSize(hdr.size, available: Int(PROV_RECORD_MAX))
            } catch {
                // The size cannot be trusted: no way to find the next record.
                stats.framingErrors += 1
                stats.discardedBytes += UInt64(filled - offset)
                consumer.failed(error)
                return 0
            }
            if size > rest.count { break }  // incomplete: wait for the next read
            stats.records += 1
            do {
                let record = try RecordDecoder.decode(UnsafeRawBufferPointer(rebasing: rest[0..<size]),
                                                      scratch: &scratch)
                stats.decoded += 1
                consumer.consume(record)
            } catch {
                stats.undecodable += 1
                consumer.failed(error)
            }
            offset += size
        }
        let tail = filled - offset
        if tail > 0 && offset > 0, let base = buffer.baseAddress {
            memmove(base, base + offset, tail)
        }
        return tail
    }
}

/// Receives the records a `RelayReader` decodes.
public protocol RecordConsumer {
    /// Called for each decoded record, in order. The record may be kept
    /// (it is a value); its payload arrays are reused by the next record
    /// only if it was not.
    mutating func consume(_ record: Record)
    /// Called for each record that could not be decoded, and for framing
    /// errors (after which buffered bytes are dropped).
    mutating func failed(_ error: DecodeError)
}

/// Adapts the closure-based `readAvailable`.
private struct ClosureConsumer: RecordConsumer {
    let onRecord: (Record) -> Void
    let onError: (DecodeError) -> Void
    func consume(_ record: Record) { onRecord(record) }
    func failed(_ error: DecodeError) { onError(error) }
}
