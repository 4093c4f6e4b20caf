import Capture
import Provenance
import Serialize
import Sinks

/// What an encoder thread does with each record: encode it into its batch
/// and hand the completed chunks to the output pipeline. A value owned by
/// the encoder loop and passed `inout` to the record framer, so that the
/// per-record path has no closure context and no dynamic exclusivity check.
struct BatchConsumer<Batch: RecordBatch>: RecordConsumer {
    var batch: Batch
    let output: OutputPipeline
    let live: LiveCounters
    let path: String
    var chunks = ChunkCounter()
    var decodeErrorsLogged = 0
    /// Whether chunks were submitted without waking the writer since the
    /// encoder last woke it (it does after each chunk of relay bytes).
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
///
/// Counts are of kernel records (what "records read" counts). A record with
/// a version link gives two elements, its node and the version relation,
/// which one `add` may put in different chunks; the record is counted once,
/// in the chunk holding its last element (the relation), so that the sum
/// over all chunks is the number of records added, and a record counts as
/// written only once all of it is.
struct ChunkCounter {
    /// Records in the batch's current (unemitted) chunk.
    var pending = 0

    /// `count` chunks were emitted while adding one record (`added` tells
    /// whether the batch took it). The first holds what was pending; if the
    /// batch is empty afterwards the record's last element left in the last
    /// chunk, otherwise it is in the next one, which the record counts in.
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
