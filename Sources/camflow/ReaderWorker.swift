import Capture
import Glibc
import Provenance
import Serialize
import Sinks
import Synchronization

/// Totals gathered from every reader thread at the end.
struct RecorderTotals: Sendable {
    var reader = ReaderStats()
    var documents: UInt64 = 0
    var failedWrites: UInt64 = 0
    var skipped: UInt64 = 0
    var readFailures: UInt64 = 0
}

/// State shared by the recorder's main thread and its reader threads.
final class RecorderShared: Sendable {
    let sink: SharedSink
    let names: NameCache
    /// Set by the main thread to make readers drain and stop.
    let stopping = Atomic<Bool>(false)
    /// Read end of a pipe written at shutdown to wake readers from poll(2).
    let wakeFD: Int32
    let totals = Mutex(RecorderTotals())

    init(sink: SharedSink, names: NameCache, wakeFD: Int32) {
        self.sink = sink
        self.names = names
        self.wakeFD = wakeFD
    }
}

/// The loop of one reader thread: read its relay file, decode, encode into
/// its own W3C batch, hand complete documents to the shared sink; flush the
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
        var batch = W3CBatch(encoder: W3CEncoder(nameCache: shared.names))
        var failedWrites: UInt64 = 0
        var decodeErrorsLogged = 0
        var readFailed = false
        let sink = shared.sink
        let path = reader.path

        func emit(_ document: [UInt8]) {
            do {
                try sink.write(document)
            } catch {
                failedWrites += 1
                if failedWrites == 1 || failedWrites % 1000 == 0 {
                    log.error("\(error) (\(failedWrites) documents lost so far)")
                }
            }
        }
        func onError(_ error: DecodeError) {
            if error.breaksFraming {
                log.error("\(path): \(error); buffered data discarded")
            } else if decodeErrorsLogged < 10 {
                decodeErrorsLogged += 1
                log.warning("\(path): skipped undecodable record: \(error)")
            }
        }
        func readOnce() -> Int {
            do {
                return try reader.readAvailable(onRecord: { batch.add($0, emit: emit) }, onError: onError)
            } catch {
                log.error("\(error)")
                readFailed = true
                return -1
            }
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
                batch.flush(emit: emit)
                lastFlush = monotonicMilliseconds()
            }
        }
        if !readFailed {
            let deadline = monotonicMilliseconds() + Self.drainLimitMs
            while monotonicMilliseconds() < deadline, readOnce() > 0 {}
        }
        batch.flush(emit: emit)
        let stats = reader.stats
        let documents = batch.documentsEmitted
        let skipped = batch.skipped
        let failed = failedWrites
        let readFailure: UInt64 = readFailed ? 1 : 0
        shared.totals.withLock { t in
            t.reader.add(stats)
            t.documents += documents
            t.failedWrites += failed
            t.skipped += skipped
            t.readFailures += readFailure
        }
    }
}
