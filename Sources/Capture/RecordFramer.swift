import CProvenanceABI
import Glibc
import Provenance

/// Turns the byte stream of one relay file into records, whoever reads the
/// bytes: `RelayReader` reads straight into the framer's buffer
/// (`fill(using:into:)`); the recorder's encoder threads hand it chunks that
/// a reader thread read (`consume(_:into:)`).
///
/// A record cut by the end of the bytes given stays in the buffer and is
/// completed by the next bytes. Undecodable records whose size is sane are
/// counted and skipped by `hdr.size`; when the size itself is bad the stream
/// cannot be resynchronised, so the buffered bytes are discarded, counted,
/// and reported to the consumer's `failed`.
///
/// Not thread-safe: one framer belongs to one thread.
public final class RecordFramer {
    /// Counters since the framer was created (`bytesRead`: bytes given to it).
    public private(set) var stats = ReaderStats()

    private let buffer: UnsafeMutableRawBufferPointer
    private var filled = 0
    /// Arrays the text payloads are decoded into, reused from record to record.
    private var scratch = DecodeScratch()

    /// Creates a framer whose buffer holds `bufferSize` bytes (raised to at
    /// least `2 * PROV_RECORD_MAX`).
    public init(bufferSize: Int) {
        let size = max(bufferSize, 2 * Int(PROV_RECORD_MAX))
        buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 8)
    }

    deinit {
        buffer.deallocate()
    }

    /// Bytes of an incomplete record kept for the next bytes.
    public var pendingBytes: Int { filled }

    /// Lets `read` write into the free end of the buffer (it returns the
    /// bytes written, or 0), then hands every complete record to `consumer`.
    /// - Returns: what `read` returned.
    public func fill<Consumer: RecordConsumer>(
        using read: (UnsafeMutableRawBufferPointer) throws -> Int, into consumer: inout Consumer
    ) rethrows -> Int {
        let free = UnsafeMutableRawBufferPointer(rebasing: buffer[filled...])
        let n = try read(free)
        if n > 0 { take(n, into: &consumer) }
        return n
    }

    /// Hands every complete record in `bytes`, after what is pending, to
    /// `consumer`, in order. Records are decoded where they lie: only the
    /// bytes of a record cut by a chunk's end are copied, into the buffer
    /// that keeps them for the next chunk. After a bad size the rest of
    /// the chunk is discarded; framing starts again with the next chunk.
    public func consume<Consumer: RecordConsumer>(_ bytes: UnsafeRawBufferPointer,
                                                  into consumer: inout Consumer) {
        var rest = bytes
        // Complete the record the last chunk cut, from the front of this one.
        while filled > 0, !rest.isEmpty, let base = buffer.baseAddress, let source = rest.baseAddress {
            let n = min(rest.count, missingBytes())
            memcpy(base + filled, source, n)
            rest = UnsafeRawBufferPointer(rebasing: rest[n...])
            let errors = stats.framingErrors
            take(n, into: &consumer)
            if stats.framingErrors != errors {
                // Its size was bad: where the next record starts is unknown.
                stats.bytesRead += UInt64(rest.count)
                stats.discardedBytes += UInt64(rest.count)
                return
            }
        }
        guard !rest.isEmpty else { return }
        var counters = stats
        counters.bytesRead += UInt64(rest.count)
        var payloads = DecodeScratch()
        swap(&payloads, &scratch)
        let used = frame(rest, into: &consumer, stats: &counters, scratch: &payloads) ?? rest.count
        swap(&payloads, &scratch)
        stats = counters
        // Keep the cut record at the end (shorter than PROV_RECORD_MAX, so
        // it fits in the buffer).
        if used < rest.count, let base = buffer.baseAddress, let source = rest.baseAddress {
            memcpy(base, source + used, rest.count - used)
            filled = rest.count - used
        }
    }

    /// Bytes the pending record still needs before it can be framed: the
    /// rest of its header, then the rest of its size (0 when the size is
    /// bad: framing it reports the error).
    private func missingBytes() -> Int {
        let headerSize = RecordDecoder.headerSize
        guard filled >= headerSize else { return headerSize - filled }
        let hdr = UnsafeRawBufferPointer(buffer).loadUnaligned(as: prov_record_header.self)
        guard let size = try? RecordDecoder.checkSize(hdr.size, available: Int(PROV_RECORD_MAX)) else { return 0 }
        return max(0, size - filled)
    }

    /// `n` more bytes are in the buffer: decode what is complete and move
    /// the rest to the front.
    private func take<Consumer: RecordConsumer>(_ n: Int, into consumer: inout Consumer) {
        filled += n
        // The counters and the payload scratch live in locals while the
        // records are handed over (one class access per call, not per record).
        var counters = stats
        counters.bytesRead += UInt64(n)
        var payloads = DecodeScratch()
        swap(&payloads, &scratch)
        let data = UnsafeRawBufferPointer(rebasing: buffer[0..<filled])
        let used = frame(data, into: &consumer, stats: &counters, scratch: &payloads) ?? filled
        swap(&payloads, &scratch)
        stats = counters
        let tail = filled - used
        if tail > 0 && used > 0, let base = buffer.baseAddress {
            memmove(base, base + used, tail)
        }
        filled = tail
    }

    /// Decodes the complete records at the start of `data` and returns the
    /// bytes they took, or nil after a framing error (a bad size: there is
    /// no way to find the next record, so the rest of `data` is counted as
    /// discarded).
    private func frame<Consumer: RecordConsumer>(
        _ data: UnsafeRawBufferPointer, into consumer: inout Consumer,
        stats: inout ReaderStats, scratch: inout DecodeScratch
    ) -> Int? {
        var offset = 0
        while data.count - offset >= RecordDecoder.headerSize {
            let rest = UnsafeRawBufferPointer(rebasing: data[offset...])
            let size: Int
            do {
                let hdr = rest.loadUnaligned(as: prov_record_header.self)
                size = try RecordDecoder.checkSize(hdr.size, available: Int(PROV_RECORD_MAX))
            } catch {
                stats.framingErrors += 1
                stats.discardedBytes += UInt64(data.count - offset)
                consumer.failed(error)
                return nil
            }
            if size > rest.count { break }  // incomplete: wait for the next bytes
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
        return offset
    }
}

/// Receives the records a `RecordFramer` (or `RelayReader`) decodes.
public protocol RecordConsumer {
    /// Called for each decoded record, in order. The record may be kept
    /// (it is a value); its payload arrays are reused by the next record
    /// only if it was not.
    mutating func consume(_ record: Record)
    /// Called for each record that could not be decoded, and for framing
    /// errors (after which buffered bytes are dropped).
    mutating func failed(_ error: DecodeError)
}
