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

/// The loop of one reader thread: read its relay file, decode, encode into
/// its own batch (W3C or SPADE), hand completed chunks to the output
/// pipeline (which never makes the reader wait for the sink); flush the
/// batch at least once per second. When `stopping` is set, read until the
/// file has no more data (bounded to 5 s), flush, and add the counters to
/// the totals.
struct ReaderWorker {
    let reader: RelayReader
    let shared: RecorderShared

    /// How long the final drain may take.
    static let drainLimitMs: Int64 = 5000
    /// Maximum age of a batch before it is flushed.
    static let flushIntervalMs: Int64 = 1000

    func run() {
        switch shared.format {
        case .w3c: run(W3CBatch(encoder: W3CEncoder(nameCache: shared.names)))
        case .spadeJSON: run(SPADEBatch(encoder: SPADEEncoder(nameCache: shared.names)))
        }
    }

    private func run<Batch: RecordBatch>(_ initial: Batch) {
        var consumer = BatchConsumer(batch: initial, output: shared.output, live: shared.live, path: reader.path)
        var readFailed = false
        let live = shared.live
        var reported = ReaderStats()

        func readOnce() -> Int {
            let n: Int
            do {
                n = try reader.readAvailable(into: &consumer)
            } catch {
                log.error("\(error)")
                readFailed = true
                n = -1
            }
            if consumer.submittedQuietly {
                consumer.submittedQuietly = false
                shared.output.wakeWriter()
            }
            let stats = reader.stats
            live.recordsRead.add(stats.records - reported.records, ordering: .relaxed)
            live.undecodable.add(stats.undecodable - reported.undecodable, ordering: .relaxed)
            reported = stats
            return n
        }

        var lastFlush = monotonicMilliseconds()
        while !shared.stopping.load(ordering: .acquiring) && !readFailed {
            let wait = max(0, Self.flushIntervalMs - (monotonicMilliseconds() - lastFlush))
            // relay signals readability only when a sub-buffer is full, so
            // read after every wait: data in a partly filled sub-buffer is
            // then picked up within a flush interval.
            let readable = reader.wait(timeoutMs: Int32(wait), wakeFD: shared.wakeFD)
            // Readable but empty: a regular file at its end or a FIFO
            // without writer (tests); do not spin.
            if readOnce() == 0 && readable { usleep(10_000) }
            if monotonicMilliseconds() - lastFlush >= Self.flushIntervalMs {
                consumer.flush()
                lastFlush = monotonicMilliseconds()
            }
        }
        if !readFailed {
            let deadline = monotonicMilliseconds() + Self.drainLimitMs
            while monotonicMilliseconds() < deadline, readOnce() > 0 {}
        }
        consumer.flush()
        let stats = reader.stats
        let skipped = consumer.batch.skipped
        let readFailure: UInt64 = readFailed ? 1 : 0
        shared.totals.withLock { t in
            t.reader.add(stats)
            t.skipped += skipped
            t.readFailures += readFailure
        }
    }
}

/// What a reader thread does with each record: encode it into its batch
/// and hand the completed chunks to the output pipeline. A value owned by
/// the reader loop and passed `inout` to the relay reader, so that the
/// per-record path has no closure context and no dynamic exclusivity check.
struct BatchConsumer<Batch: RecordBatch>: RecordConsumer {
    var batch: Batch
    let output: OutputPipeline
    let live: LiveCounters
    let path: String
    var chunks = ChunkCounter()
    var decodeErrorsLogged = 0
    /// Whether chunks were submitted without waking the writer since the
    /// reader last woke it (it does after each read).
    var submittedQuietly = false

    init(batch: Batch, output: OutputPipeline, live: LiveCounters, path: String) {
        self.batch = batch
        self.output = output
        self.live = live
        self.path = path
    }

    mutating func consume(_ record: Record) {
        let before = batch.documentsEmitted
        var out: [[UInt8]] = []  // empty: no allocation unless a chunk is emitted
        let added = batch.add(record) { out.append($0) }
        let count = Int(batch.documentsEmitted - before)
        if count > 0 {
            for (chunk, records) in zip(out, chunks.emitted(count, added: added, batchEmpty: batch.isEmpty)) {
                // Full chunks: the writer is woken after this read (or once
                // enough is queued), not per chunk.
                output.submit(chunk, records: records, wake: false)
            }
            submittedQuietly = true
        } else if added {
            chunks.pending += 1
        }
    }

    mutating func failed(_ error: DecodeError) {
        if case .unknownKind = error {
            live.unknownKinds.add(1, ordering: .relaxed)
            if !live.unknownKindWarned.exchange(true, ordering: .relaxed) {
                log.warning("\(path): \(error): skipped (later records of unknown kinds are counted, not logged)")
            }
        } else if error.breaksFraming {
            log.error("\(path): \(error); buffered data discarded")
        } else if decodeErrorsLogged < 10 {
            decodeErrorsLogged += 1
            log.warning("\(path): skipped undecodable record: \(error)")
        }
    }

    /// Emits what the batch holds (periodic and final flush: the writer is
    /// woken at once).
    mutating func flush() {
        var out: [[UInt8]] = []
        batch.flush { out.append($0) }
        for chunk in out {
            output.submit(chunk, records: chunks.pending)
            chunks.pending = 0
        }
    }
}

/// Works out how many records each emitted chunk holds, from what a batch
/// reveals: chunks emitted during one `add` and whether the batch is empty
/// afterwards.
struct ChunkCounter {
    /// Records in the batch's current (unemitted) chunk.
    var pending = 0

    /// `count` chunks were emitted while adding one record (`added` tells
    /// whether the batch took it). The first holds what was pending; if the
    /// batch is empty afterwards the record left in the last chunk,
    /// otherwise it starts the next one.
    mutating func emitted(_ count: Int, added: Bool, batchEmpty: Bool) -> [Int] {
        var counts = [Int](repeating: 0, count: count)
        counts[0] = pending
        pending = 0
        if added {
            if batchEmpty { counts[count - 1] += 1 } else { pending = 1 }
        }
        return counts
    }
}
