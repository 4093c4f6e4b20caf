import Glibc

/// Counters of the output side of the recorder.
public struct OutputStatistics: Sendable, Equatable {
    /// Chunks (documents or runs of lines) delivered to the output.
    public var chunksWritten: UInt64 = 0
    /// Records in the chunks delivered.
    public var recordsWritten: UInt64 = 0
    /// Bytes of the chunks delivered (without framing).
    public var bytesWritten: UInt64 = 0
    /// Chunks that could not be delivered nor kept (queue or spool full, refused).
    public var chunksDropped: UInt64 = 0
    /// Records in the dropped chunks.
    public var recordsDropped: UInt64 = 0
    /// Chunks put in the spool (ever).
    public var chunksSpooled: UInt64 = 0
    /// Chunks waiting in the spool now.
    public var spoolChunks = 0
    /// Bytes waiting in the spool now.
    public var spoolBytes = 0
    /// Chunks waiting in memory now.
    public var queuedChunks = 0
    /// Delivery attempts that failed and were retried.
    public var retries: UInt64 = 0
    /// Creates zero counters.
    public init() {}
}

/// Decouples the encoder threads from sink I/O: encoders `submit` chunks into
/// a bounded in-memory queue and return at once; one writer thread delivers
/// them, in order, to the sink.
///
/// - A sink that cannot take data for now (`SinkError.retry`: disk full,
///   broker away, FIFO full) is retried with the same chunk, so order is
///   kept and nothing is written twice; encoders keep encoding meanwhile.
/// - With a spool, chunks go to disk while the sink is failing, while the
///   spool holds anything (to keep order), or when the queue is full; the
///   writer delivers the queue first, then the spool. Without a spool, a
///   chunk that finds the queue full waits while the sink is taking data
///   (back-pressure on the encoders, never a drop of a healthy output) and
///   is dropped and counted only while the sink is failing.
/// - A chunk the transport refuses as too large is split (`ChunkSplitter`).
/// - `finish` delivers what is left, waiting at most the given time for a
///   failing sink; what still cannot be delivered goes to the spool (ahead
///   of what is already there) or is counted as dropped.
///
/// Threading: the sink is used by the writer thread only (and by `finish`
/// after that thread ended); every other field is guarded by `monitor`.
public final class OutputPipeline: @unchecked Sendable {
    /// Where messages go (`error` true for problems).
    public typealias Reporter = @Sendable (_ message: String, _ error: Bool) -> Void

    private struct Item {
        var bytes: [UInt8]
        var records: Int
    }

    private let sink: any Sink
    private let splitsLines: Bool
    private let maxQueueBytes: Int
    private let spool: Spool?
    private let report: Reporter
    private let monitor = Monitor()

    // guarded by monitor
    private var queue: [Item] = []
    private var queueHead = 0
    private var queueBytes = 0
    private var stats = OutputStatistics()
    private var sinkFailing = false
    private var stopping = false
    private var stopDeadline: Int64 = 0
    private var reopenRequested = false
    private var lastDropReport: Int64 = -1_000_000
    private var thread: pthread_t?
    /// Whether the writer waits for work (the encoders wake it only then).
    private var writerWaiting = false
    /// Encoders waiting for room in the queue (the writer wakes them only then).
    private var submittersWaiting = 0

    /// Starts the writer thread.
    /// - Parameters:
    ///   - sink: the output; only the writer thread uses it from now on.
    ///   - linesFraming: whether chunks are runs of lines (SPADE) rather than
    ///     single documents (W3C); used to split chunks.
    ///   - queueBytes: bound of the in-memory queue.
    ///   - spool: where chunks wait while the sink fails (network outputs).
    /// - Returns: nil if the thread cannot be started.
    public init?(sink: any Sink, linesFraming: Bool, queueBytes: Int, spool: Spool?,
                 report: @escaping Reporter) {
        self.sink = sink
        self.splitsLines = linesFraming
        self.maxQueueBytes = queueBytes
        self.spool = spool
        self.report = report
        if let spool, !spool.isEmpty {
            report("\(spool.pendingChunks) chunks left in the spool \(spool.directory) by an earlier run are delivered first", false)
        }
        guard let thread = spawnThread({ [self] in self.writerLoop() }) else { return nil }
        self.thread = thread
    }

    /// Hands a chunk to the writer. Waits for room in the queue only while
    /// the sink is taking data (a healthy but slower output holds the encoders
    /// back, so the kernel's relay buffers absorb the burst instead of the
    /// recorder dropping it); never waits for a failing sink.
    /// - Parameters:
    ///   - records: records in the chunk (for the statistics).
    ///   - wake: whether an idle writer must start on this chunk at once.
    ///     With false (full chunks in a stream of them) the writer is woken
    ///     once `wakeBytes` are queued or by the next `wakeWriter()` (the
    ///     encoder calls it after each chunk of relay bytes): one wake-up
    ///     per several chunks instead of one per chunk.
    public func submit(_ chunk: [UInt8], records: Int, wake: Bool = true) {
        monitor.locked {
            while spool == nil && !sinkFailing && !stopping && queueBytes > 0
                && queueBytes + chunk.count > maxQueueBytes {
                submittersWaiting += 1
                monitor.wait(milliseconds: 100)
                submittersWaiting -= 1
            }
            if let spool, sinkFailing || !spool.isEmpty || queueBytes + chunk.count > maxQueueBytes {
                do {
                    if try chunk.withUnsafeBytes({ try spool.append($0, records: records) }) {
                        stats.chunksSpooled += 1
                        monitor.broadcast()
                        return
                    }
                    dropLocked(records: records, why: "spool \(spool.directory) full (max_size \(spool.maxBytes) bytes)")
                } catch {
                    dropLocked(records: records, why: "\(error)")
                }
                return
            }
            if queueBytes + chunk.count > maxQueueBytes && queueBytes > 0 {
                dropLocked(records: records, why: "output queue full (\(maxQueueBytes) bytes) while \(sink.name) is not taking data")
                return
            }
            queue.append(Item(bytes: chunk, records: records))
            queueBytes += chunk.count
            if writerWaiting && (wake || queueBytes >= wakeBytes) { monitor.broadcast() }
        }
    }

    /// Wakes the writer if it waits while chunks are queued (chunks
    /// submitted without `wake`).
    public func wakeWriter() {
        monitor.locked {
            if writerWaiting && queueBytes > 0 { monitor.broadcast() }
        }
    }

    /// Queued bytes at which an idle writer is woken for chunks submitted
    /// without `wake`.
    private var wakeBytes: Int { min(maxQueueBytes / 4, 1 << 20) }

    private func dropLocked(records: Int, why: String) {
        stats.chunksDropped += 1
        stats.recordsDropped += UInt64(records)
        let now = monotonicMilliseconds()
        if now - lastDropReport >= 10_000 {
            lastDropReport = now
            report("\(why): dropping output (\(stats.recordsDropped) records dropped so far)", true)
        }
    }

    /// Asks the writer to reopen the output between two chunks (SIGHUP).
    public func requestReopen() {
        monitor.locked {
            reopenRequested = true
            monitor.broadcast()
        }
    }

    /// A snapshot of the counters.
    public var statistics: OutputStatistics {
        monitor.locked {
            var s = stats
            s.queuedChunks = queue.count - queueHead
            s.spoolChunks = spool?.pendingChunks ?? 0
            s.spoolBytes = spool?.pendingBytes ?? 0
            return s
        }
    }

    /// Delivers everything submitted, waiting at most `waitMs` for a failing
    /// sink, then spools or drops the rest, flushes and closes the sink.
    /// Call once, after the last `submit`.
    public func finish(waitMs: Int64) -> OutputStatistics {
        let thread = monitor.locked { () -> pthread_t? in
            stopping = true
            stopDeadline = monotonicMilliseconds() + waitMs
            monitor.broadcast()
            return self.thread
        }
        if let thread { pthread_join(thread, nil) }
        do { try sink.flush() } catch { report("\(error)", true) }
        sink.close()
        spool?.sync()
        return statistics
    }

    // MARK: writer thread

    private enum Next {
        case item(Item)
        case reopen
        case idle
        case done
    }

    /// When the writer last called `sink.idle()` (writer thread only).
    private var lastIdle: Int64 = 0

    private func writerLoop() {
        while true {
            let next: Next = monitor.locked {
                while true {
                    if reopenRequested {
                        reopenRequested = false
                        return .reopen
                    }
                    if queueHead < queue.count {
                        let item = queue[queueHead]
                        queue[queueHead].bytes = []
                        queueHead += 1
                        queueBytes -= item.bytes.count
                        if submittersWaiting > 0 && queueBytes <= maxQueueBytes / 2 { monitor.broadcast() }
                        if queueHead == queue.count || queueHead > 4096 {
                            queue.removeFirst(queueHead)
                            queueHead = 0
                        }
                        return .item(item)
                    }
                    if let spool, let entry = spool.next() {
                        return .item(Item(bytes: entry.bytes, records: entry.records))
                    }
                    if stopping { return .done }
                    if monotonicMilliseconds() - lastIdle >= 1000 { return .idle }
                    writerWaiting = true
                    monitor.wait(milliseconds: 1000)
                    writerWaiting = false
                }
            }
            switch next {
            case .done: return
            case .idle:
                lastIdle = monotonicMilliseconds()
                sink.idle()
            case .reopen: reopen()
            case let .item(item):
                // A slow output at shutdown: past the deadline the spool keeps
                // the rest (without a spool, delivery goes on: nothing is lost).
                let late = monitor.locked { stopping && monotonicMilliseconds() >= stopDeadline }
                if late && spool != nil {
                    giveUp([item])
                    return
                }
                let left = deliver(item)
                if !left.isEmpty {
                    giveUp(left)
                    return
                }
            }
        }
    }

    private func reopen() {
        do {
            try sink.reopen()
            report("\(sink.name) reopened", false)
        } catch {
            report("\(error)", true)
        }
    }

    /// Delivers one item. Returns what is left undelivered (the item, or
    /// pieces of it) when the stop deadline passed while the sink was failing.
    private func deliver(_ item: Item) -> [Item] {
        var progress = 0
        var failingSince: Int64?
        var lastReport: Int64 = 0
        var lastMessage = ""
        var pause: UInt32 = 50_000
        while true {
            do {
                try item.bytes.withUnsafeBytes { try sink.write($0, progress: &progress) }
                monitor.locked {
                    stats.chunksWritten += 1
                    stats.recordsWritten += UInt64(item.records)
                    stats.bytesWritten += UInt64(item.bytes.count)
                    sinkFailing = false
                }
                if let since = failingSince {
                    report("\(sink.name) takes data again after \((monotonicMilliseconds() - since) / 1000) s", false)
                }
                return []
            } catch let error as SinkError where error.kind == .retry {
                let now = monotonicMilliseconds()
                let (stop, reopenNow) = monitor.locked { () -> (Bool, Bool) in
                    stats.retries += 1
                    sinkFailing = true
                    let reopen = reopenRequested && progress == 0
                    if reopen { reopenRequested = false }
                    return (stopping && now >= stopDeadline, reopen)
                }
                if failingSince == nil {
                    failingSince = now
                    lastReport = now
                    lastMessage = error.message
                    report("\(error); holding output until it recovers", true)
                } else if error.message != lastMessage && now - lastReport >= 2_000 || now - lastReport >= 60_000 {
                    lastMessage = error.message
                    lastReport = now
                    let s = statistics
                    report("\(error) (for \((now - (failingSince ?? now)) / 1000) s; \(s.queuedChunks) chunks queued, \(s.spoolChunks) spooled)", true)
                }
                if stop { return [item] }
                if reopenNow { reopen() }
                usleep(pause)
                pause = min(pause * 2, 500_000)
            } catch let error as SinkError where error.kind == .tooLarge && progress == 0 {
                guard let pieces = ChunkSplitter.split(item.bytes, lines: splitsLines) else {
                    monitor.locked { dropLocked(records: item.records, why: "\(error) and it cannot be split") }
                    return []
                }
                let total = pieces.reduce(0) { $0 + $1.elements }
                var assigned = 0
                var items: [Item] = []
                for (i, piece) in pieces.enumerated() {
                    let records = i == pieces.count - 1 ? item.records - assigned
                        : (total == 0 ? 0 : item.records * piece.elements / total)
                    assigned += records
                    items.append(Item(bytes: piece.bytes, records: records))
                }
                for (i, piece) in items.enumerated() {
                    let left = deliver(piece)
                    if !left.isEmpty { return left + items[(i + 1)...] }
                }
                return []
            } catch {
                monitor.locked { dropLocked(records: item.records, why: "\(error)") }
                return []
            }
        }
    }

    /// The deadline passed with `left` undelivered: spool it and everything
    /// queued (ahead of the spool), or count them as dropped.
    private func giveUp(_ left: [Item]) {
        monitor.locked {
            var rest = left + Array(queue[queueHead...])
            queue = []
            queueHead = 0
            queueBytes = 0
            if let spool {
                do {
                    try spool.prepend(rest.map { ($0.bytes, $0.records) })
                    stats.chunksSpooled += UInt64(rest.count)
                    report("\(sink.name) did not take everything within the shutdown wait: \(spool.pendingChunks) chunks kept in the spool \(spool.directory) for the next start", true)
                    rest = []
                } catch {
                    report("\(error)", true)
                }
            }
            if !rest.isEmpty {
                let records = rest.reduce(0) { $0 + $1.records }
                stats.chunksDropped += UInt64(rest.count)
                stats.recordsDropped += UInt64(records)
                report("\(sink.name) still not taking data at exit: \(records) records in \(rest.count) chunks not written", true)
            }
        }
    }
}
