import Provenance

extension ByteSink {
    /// Appends the node type name of `word` without quotes ("unknown" if the
    /// word is not in the kernel's table).
    @inline(__always)
    mutating func appendNodeTypeName(_ word: UInt64) {
        if let name = NodeType(rawValue: word).nameBytes {
            appendBytes(name)
        } else {
            append("unknown")
        }
    }

    /// Appends the relation type name of `word` without quotes ("unknown" if
    /// the word is not in the kernel's table).
    @inline(__always)
    mutating func appendRelationTypeName(_ word: UInt64) {
        if let name = RelationType(rawValue: word).nameBytes {
            appendBytes(name)
        } else {
            append("unknown")
        }
    }
}
