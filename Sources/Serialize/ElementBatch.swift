import Provenance

/// What the two batches have in common below `RecordBatch.add`: adding one
/// element (a node or a relation) to the output. `addRecord` builds `add`
/// on it, so that the version relation a record stands for is handled in
/// one place for both formats.
protocol ElementBatch {
    /// Adds one element, emitting completed chunks.
    /// - Returns: false, changing nothing and counting nothing, when the
    ///   element has no place in the output (relation type without family).
    mutating func addElement(_ record: Record, emit: ([UInt8]) throws -> Void) rethrows -> Bool
    /// Records that could not be serialized (in full).
    var skipped: UInt64 { get set }
}

extension ElementBatch {
    /// Adds the element of `record` and then, when the record carries a
    /// version link, the version relation it stands for, as if that
    /// relation had been the next record: the output is the same as for
    /// the node record and separate relation record of ABI 1.
    ///
    /// The record counts once: `skipped` grows by one if the node or its
    /// relation could not be placed. Without a link the only extra cost is
    /// a nil test (no allocation).
    /// - Returns: whether the element of `record` itself was added.
    @inline(__always)
    mutating func addRecord(_ record: Record, emit: ([UInt8]) throws -> Void) rethrows -> Bool {
        let added = try addElement(record, emit: emit)
        var complete = added
        if let relation = record.impliedVersionRelation {
            complete = try addElement(relation, emit: emit) && complete
        }
        if !complete { skipped += 1 }
        return added
    }
}
