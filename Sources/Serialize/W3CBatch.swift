import Provenance

/// Accumulates W3C elements by section and turns them into PROV-JSON
/// documents (one line each, without the newline the log sink adds).
///
/// Document skeleton, byte for byte as the reference (note the spaces):
///
///     {"prefix":{"prov" : "http://www.w3.org/ns/prov", "cf":"http://www.camflow.org"}, "activity":{..}, ..}
///
/// with only the non-empty sections, in `W3CSection` order, elements joined by
/// `,`. Fixes over the reference:
///
/// - no element id appears twice in one document (the reference emitted an
///   element twice, e.g. with `duplicate=true`, giving duplicate JSON keys):
///   when a record's id is already in the current document, that document is
///   completed and emitted first and the record starts the next one;
/// - no per-section size limit: buffers grow, so a large element never makes
///   the batch retry forever (defect O2); a document is emitted once it
///   reaches `maxDocumentBytes`.
///
/// One batch per reader thread; not thread-safe.
public struct W3CBatch {
    /// The element encoder (and its name cache, date cache...).
    public var encoder: W3CEncoder
    /// Size at which the current document is emitted.
    public var maxDocumentBytes: Int

    private var sections: [ByteBuffer]
    private var ids = IdentifierSet()
    /// Documents are built in these arrays in turn: once the output has
    /// written one and let it go, the next flush into it finds it uniquely
    /// referenced and reuses its memory (no allocation, no page faults).
    private var documents: [[UInt8]]
    private var nextDocument = 0
    private var pendingBytes = 0

    /// Elements in the current (not yet emitted) document.
    public private(set) var elementCount = 0
    /// Records that could not be placed in any section (relation type
    /// without family); a record and the version relation it stands for
    /// count once.
    public internal(set) var skipped: UInt64 = 0
    /// Documents emitted so far.
    public private(set) var documentsEmitted: UInt64 = 0

    /// The fixed document opening (prefix object).
    public static let prefix: StaticString =
        "{\"prefix\":{\"prov\" : \"http://www.w3.org/ns/prov\", \"cf\":\"http://www.camflow.org\"}"

    /// Creates an empty batch.
    public init(encoder: W3CEncoder = W3CEncoder(), maxDocumentBytes: Int = 64 * 1024) {
        self.encoder = encoder
        self.maxDocumentBytes = maxDocumentBytes
        sections = (0..<W3CSection.allCases.count).map { _ in ByteBuffer(capacity: 4096) }
        documents = Array(repeating: [], count: Self.documentBuffers)  // memory reserved on first use
    }

    /// Whether no element is waiting.
    public var isEmpty: Bool { elementCount == 0 }

    /// Adds `record`, emitting the current document first if the record's id
    /// is already in it, and afterwards if the document reached its size limit.
    /// A record with a version link is followed by the version relation it
    /// stands for, added the same way (`Record.impliedVersionRelation`).
    /// - Parameter emit: receives each completed document.
    /// - Returns: false if the record was skipped (no section for it).
    @discardableResult
    public mutating func add(_ record: Record, emit: ([UInt8]) throws -> Void) rethrows -> Bool {
        try addRecord(record, emit: emit)
    }

    /// Adds one element (see `add`); false, counting nothing, if it has no section.
    mutating func addElement(_ record: Record, emit: ([UInt8]) throws -> Void) rethrows -> Bool {
        guard let section = W3CSection.of(record) else { return false }
        let id = record.identifier
        if !ids.insert(id) {
            try flush(emit: emit)
            _ = ids.insert(id)
        }
        let index = section.rawValue
        sections[index].makeUnique()
        let before = sections[index].count
        if before > 0 { sections[index].append(UInt8(ascii: ",")) }
        encoder.appendElement(record, section: section, to: &sections[index])
        pendingBytes += sections[index].count - before
        elementCount += 1
        if pendingBytes >= maxDocumentBytes {
            try flush(emit: emit)
        }
        return true
    }

    /// Emits the current document if it holds any element, and starts a new one.
    public mutating func flush(emit: ([UInt8]) throws -> Void) rethrows {
        guard elementCount > 0 else { return }
        let slot = nextDocument
        nextDocument = (nextDocument + 1) % Self.documentBuffers
        var document: [UInt8] = []
        swap(&document, &documents[slot])
        // Keeps the memory if the output let go of this array's last document.
        document.removeAll(keepingCapacity: true)
        let needed = pendingBytes + 512
        if document.capacity < needed { document.reserveCapacity(max(needed, maxDocumentBytes + 4096)) }
        document.append(Self.prefix)
        for section in W3CSection.allCases where !sections[section.rawValue].isEmpty {
            document.append(section.opener)
            document.append(contentsOf: sections[section.rawValue].bytes)
            document.append(UInt8(ascii: "}"))
        }
        document.append(UInt8(ascii: "}"))
        for i in sections.indices { sections[i].removeAll() }
        ids.removeAll()
        pendingBytes = 0
        elementCount = 0
        documentsEmitted += 1
        defer { swap(&document, &documents[slot]) }
        try emit(document)
    }

    /// Arrays the documents are built in, in turn: more than the
    /// documents one relay read makes (the writer is woken after each read),
    /// so that the oldest is normally written and free again.
    static let documentBuffers = 24
}
