import Provenance

/// Accumulates SPADE JSON lines into chunks of whole lines.
///
/// Each chunk is one or more complete lines, each ending in `\n`; a
/// line-oriented sink writes it as is. A chunk never exceeds
/// `maxDocumentBytes` unless it is a single line longer than that (lines are
/// never cut: fix over the reference, whose fixed 8 KiB buffer truncated or
/// looped on long lines, defect O2). Records are written in arrival order.
///
/// A chunk whose `emit` throws is not kept (the sink accounts for it).
/// One batch per reader thread; not thread-safe.
public struct SPADEBatch: RecordBatch, ElementBatch {
    /// SPADE chunks are runs of whole `\n`-terminated lines.
    public static var chunkFraming: ChunkFraming { .lines }

    /// The line encoder (and its name cache, date cache...).
    public var encoder: SPADEEncoder
    /// Size above which the waiting lines are emitted before the next one.
    public var maxDocumentBytes: Int

    private var chunk = ByteBuffer(capacity: 64 * 1024)
    private var spill = ByteBuffer(capacity: 4096)
    /// Chunks are copied into these arrays in turn: once the output has
    /// written one and let it go, the next chunk reuses its memory.
    private var outputs: [[UInt8]]
    private var nextOutput = 0
    /// Arrays the chunks are copied into, in turn (more than one relay
    /// read makes, so that the oldest is normally written and free again).
    static let outputBuffers = 24

    /// Lines in the current (not yet emitted) chunk.
    public private(set) var lineCount = 0
    /// Records that could not be serialized (relation type without
    /// family); a record and the version relation it stands for count once.
    public internal(set) var skipped: UInt64 = 0
    /// Chunks emitted so far.
    public private(set) var documentsEmitted: UInt64 = 0

    /// Creates an empty batch.
    public init(encoder: SPADEEncoder = SPADEEncoder(), maxDocumentBytes: Int = 64 * 1024) {
        self.encoder = encoder
        self.maxDocumentBytes = maxDocumentBytes
        outputs = Array(repeating: [], count: Self.outputBuffers)  // memory reserved on first use
    }

    /// Whether no line is waiting.
    public var isEmpty: Bool { lineCount == 0 }

    /// Adds the line of `record`. If it would make the chunk larger than
    /// `maxDocumentBytes`, the lines before it are emitted first; a chunk
    /// that reaches the limit is emitted at once. A record with a version
    /// link is followed by the line of the version relation it stands for,
    /// added the same way (`Record.impliedVersionRelation`).
    /// - Parameter emit: receives each completed chunk.
    /// - Returns: false if the record was skipped (relation without family).
    @discardableResult
    public mutating func add(_ record: Record, emit: ([UInt8]) throws -> Void) rethrows -> Bool {
        try addRecord(record, emit: emit)
    }

    /// Adds one line (see `add`); false, counting nothing, for a relation without family.
    mutating func addElement(_ record: Record, emit: ([UInt8]) throws -> Void) rethrows -> Bool {
        chunk.makeUnique()
        let before = chunk.count
        guard encoder.appendLine(record, to: &chunk) else { return false }
        if chunk.count > maxDocumentBytes && before > 0 {
            // Move the new line aside, emit the lines before it.
            spill.makeUnique()
            spill.removeAll()
            spill.append(contentsOf: UnsafeBufferPointer(rebasing: chunk.bytes[before...]))
            chunk.truncate(to: before)
            try emitChunk(emit)
            swap(&chunk, &spill)
        }
        lineCount += 1
        if chunk.count >= maxDocumentBytes {
            try emitChunk(emit)
        }
        return true
    }

    /// Emits the waiting lines, if any.
    public mutating func flush(emit: ([UInt8]) throws -> Void) rethrows {
        guard lineCount > 0 else { return }
        try emitChunk(emit)
    }

    private mutating func emitChunk(_ emit: ([UInt8]) throws -> Void) rethrows {
        documentsEmitted += 1
        lineCount = 0
        let slot = nextOutput
        nextOutput = (nextOutput + 1) % Self.outputBuffers
        var out: [UInt8] = []
        swap(&out, &outputs[slot])
        // Keeps the memory if the output let go of this array's last chunk.
        out.removeAll(keepingCapacity: true)
        if out.capacity < chunk.count { out.reserveCapacity(max(chunk.count, maxDocumentBytes + 4096)) }
        out.append(contentsOf: chunk.bytes)
        chunk.removeAll()
        defer { swap(&out, &outputs[slot]) }
        try emit(out)
    }
}
