import Capture
import Glibc
import Provenance
import Serialize
import Sinks
import Synchronization

/// Totals gathered from every reader thread at the end.
struct RecorderTotals: Sendable {
    var reader = ReaderStats()
    var skipped: UInt64 = 0
    var readFailures: UInt64 = 0
}

/// Live counters the main thread reports every `stats_interval` seconds.
final class LiveCounters: Sendable {
    let recordsRead = Atomic<UInt64>(0)
    let undecodable = Atomic<UInt64>(0)
    let unknownKinds = Atomic<UInt64>(0)
    /// Set once the one warning about unknown record kinds was logged.
    let unknownKindWarned = Atomic<Bool>(false)
}

/// State shared by the recorder's main thread and its reader threads.
final class RecorderShared: Sendable {
    let output: OutputPipeline
    let names: NameCache
    let format: OutputFormat
    /// Set by the main thread to make readers drain and stop.
    let stopping = Atomic<Bool>(false)
    /// Read end of a pipe written at shutdown to wake readers from poll(2).
    let wakeFD: Int32
    let totals = Mutex(RecorderTotals())
    let live = LiveCounters()

    init(output: OutputPipeline, names: NameCache, format: OutputFormat, wakeFD: Int32) {
        self.output = output
        self.names = names
        self.format = format
        self.wakeFD = wakeFD
    }
}

/// The two threads of one relay file.
///
/// relay writes a CPU's buffers with interrupts off on that CPU, so only a
/// reader running there never sees a half-written record or a half-done
/// sub-buffer switch: the reader thread is pinned to the file's CPU and does
/// nothing but read(2) into buffers it queues. Decoding and encoding, most
/// of the recorder's work, run on the file's encoder thread, which the
/// scheduler may put on any CPU: when one CPU does all the recorded work
/// (a ping-pong between two processes woken on the same CPU), the encoding
/// runs on an idle one instead of taking turns with the workload.
struct RelayFileWorkers {
    let reader: RelayReader
    let queue: ChunkQueue
    let shared: RecorderShared

    /// How long the final drain may take.
    static let drainLimitMs: Int64 = 5000
    /// Maximum age of a batch before it is flushed.
    static let flushIntervalMs: Int64 = 1000
    /// How long the reader waits for data before reading anyway: relay
    /// signals readability only when a sub-buffer is full, so data in a
    /// partly filled one is picked up at the latest after this long.
    static let readIntervalMs: Int32 = 1000

    /// The reader thread: read whatever is there after each wait and queue
    /// it; when `stopping` is set, read until the file has no more data
    /// (bounded to 5 s); then close the queue.
    func runReader() {
        var failed = false
        func readOnce() -> Int {
            var buffer = queue.emptyBuffer()
            let n: Int
            do {
                n = try buffer.withUnsafeMutableBytes { try reader.readRaw(into: $0) }
            } catch {
                log.error("\(error)")
                failed = true
                n = -1
            }
            if n > 0 { queue.push(buffer, count: n) } else { queue.recycle(buffer) }
            return n
        }
        while !shared.stopping.load(ordering: .acquiring) && !failed {
            let readable = reader.wait(timeoutMs: Self.readIntervalMs, wakeFD: shared.wakeFD)
            // Readable but empty: a regular file at its end or a FIFO
            // without writer (tests); do not spin.
            if readOnce() == 0 && readable { usleep(10_000) }
        }
        if !failed {
            let deadline = monotonicMilliseconds() + Self.drainLimitMs
            while monotonicMilliseconds() < deadline, readOnce() > 0 {}
        }
        if failed { shared.totals.withLock { $0.readFailures += 1 } }
        queue.close()
    }

    /// The encoder thread: decode the queued bytes, encode into its own
    /// batch (W3C or SPADE), hand completed chunks to the output pipeline
    /// (which never makes it wait for the sink); flush the batch at least
    /// once per second and when the reader is done, then add the counters
    /// to the totals.
    func runEncoder() {
        switch shared.format {
        case .w3c: runEncoder(W3CBatch(encoder: W3CEncoder(nameCache: shared.names)))
        case .spadeJSON: runEncoder(SPADEBatch(encoder: SPADEEncoder(nameCache: shared.names)))
        }
    }

    private func runEncoder<Batch: RecordBatch>(_ initial: Batch) {
        var consumer = BatchConsumer(batch: initial, output: shared.output, live: shared.live, path: reader.path)
        let framer = RecordFramer(bufferSize: queue.chunkSize)
        let live = shared.live
        var reported = ReaderStats()
        var lastFlush = monotonicMilliseconds()
        var done = false
        while !done {
            let wait = max(0, Self.flushIntervalMs - (monotonicMilliseconds() - lastFlush))
            switch queue.pop(timeoutMs: wait) {
            case let .chunk(buffer, count):
                buffer.withUnsafeBytes { bytes in
                    framer.consume(UnsafeRawBufferPointer(rebasing: bytes[0..<count]), into: &consumer)
                }
                queue.recycle(buffer)
                if consumer.submittedQuietly {
                    consumer.submittedQuietly = false
                    shared.output.wakeWriter()
                }
                let stats = framer.stats
                live.recordsRead.add(stats.records - reported.records, ordering: .relaxed)
                live.undecodable.add(stats.undecodable - reported.undecodable, ordering: .relaxed)
                reported = stats
            case .timeout:
                break
            case .closed:
                done = true
            }
            if done || monotonicMilliseconds() - lastFlush >= Self.flushIntervalMs {
                consumer.flush()
                lastFlush = monotonicMilliseconds()
            }
        }
        let stats = framer.stats
        let skipped = consumer.batch.skipped
        shared.totals.withLock { t in
            t.reader.add(stats)
            t.skipped += skipped
        }
    }
}
