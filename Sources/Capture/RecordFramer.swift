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

    /// Copies `bytes` after what is pending and hands every complete record
    /// to `consumer`, in order.
    public func consume<Consumer: RecordConsumer>(_ bytes: UnsafeRawBufferPointer,
                                                  into consumer: inout Consumer) {
        var offset = 0
        while offset < bytes.count, let base = buffer.baseAddress, let source = bytes.baseAddress {
            let n = min(bytes.count - offset, buffer.count - filled)
            memcpy(base + filled, source + offset, n)
            offset += n
            take(n, into: &consumer)
        }
    }

    /// `n` more bytes are in the buffer: decode what is complete.
    private func take<Consumer: RecordConsumer>(_ n: Int, into consumer: inout Consumer) {
        filled += n
        // The counters and the payload scratch live in locals while the
        // records are handed over (one class access per call, not per record).
        var counters = stats
        counters.bytesRead += UInt64(n)
        var payloads = DecodeScratch()
        swap(&payloads, &scratch)
        filled = process(into: &consumer, stats: &counters, scratch: &payloads)
        swap(&payloads, &scratch)
        stats = counters
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
        let tail = filled - offset
        if tail > 0 && offset > 0, let base = buffer.baseAddress {
            memmove(base, base + offset, tail)
        }
        return tail
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
