import Provenance

/// How the chunks a `RecordBatch` emits are framed.
public enum ChunkFraming: Sendable, Equatable {
    /// Each chunk is one complete document without a trailing newline
    /// (W3C PROV-JSON). A line-oriented sink (log, fifo) appends `\n`.
    case document
    /// Each chunk is a run of whole lines, every one ending in `\n`
    /// (SPADE JSON). A line-oriented sink writes the chunk as is; a chunk
    /// can be split at any `\n` into smaller valid chunks.
    case lines
}

/// An output format's per-reader accumulator: records go in with `add`,
/// completed chunks come out through `emit`.
///
/// Conformers: `W3CBatch` (`.document` chunks) and `SPADEBatch` (`.lines`
/// chunks). One batch per reader thread; not thread-safe. The `emit`
/// closure receives a buffer that is reused after it returns: copy it if
/// it must outlive the call.
public protocol RecordBatch {
    /// Framing of every chunk this batch type emits.
    static var chunkFraming: ChunkFraming { get }
    /// Size (bytes) at which the current chunk is emitted. A sink whose
    /// transport limits message size (datagrams) may lower it.
    var maxDocumentBytes: Int { get set }
    /// Whether nothing is waiting to be emitted.
    var isEmpty: Bool { get }
    /// Chunks emitted so far.
    var documentsEmitted: UInt64 { get }
    /// Records that could not be serialized (no family for their kind); a
    /// record with a version link counts once, with its relation.
    var skipped: UInt64 { get }
    /// Adds `record` and, if it has a version link, the version relation it
    /// stands for (`Record.impliedVersionRelation`) right after it: one
    /// record in, output as for the node and relation records of ABI 1.
    /// Emits zero or more completed chunks.
    /// - Returns: false if the record (its own element) was skipped.
    @discardableResult
    mutating func add(_ record: Record, emit: ([UInt8]) throws -> Void) rethrows -> Bool
    /// Emits whatever is waiting (if anything) and starts a new chunk.
    mutating func flush(emit: ([UInt8]) throws -> Void) rethrows
}

extension RecordBatch {
    /// Framing of this batch's chunks (`Self.chunkFraming`).
    public var chunkFraming: ChunkFraming { Self.chunkFraming }
}

extension W3CBatch: RecordBatch, ElementBatch {
    /// W3C chunks are single PROV-JSON documents.
    public static var chunkFraming: ChunkFraming { .document }
}
