import CProvenanceABI

extension Record {
    /// The version relation a node record with a `versionLink` stands for,
    /// exactly as the separate relation record the kernel wrote before ABI 2
    /// would have decoded; nil when `versionLink` is nil.
    ///
    /// The relation, of type `link.type` and id `link.id` (with the boot and
    /// machine ids of the node), goes from the node's previous version (its
    /// identifier with version - 1) to the node's identifier. It has the
    /// node's epoch and jiffies, flags 0 and taint 0; its header has the
    /// node record's time and flags without `PROV_RECORD_VERSIONED` (so
    /// `PROV_RECORD_REPLAYED` stays) and the size of a relation record; its
    /// payload has the link's task id, no offset, flags 0, and is allowed.
    ///
    /// Also nil for a relation record or a node of version 0 carrying a
    /// link by mistake: neither has a previous version (the decoder refuses
    /// both). Cheap when there is no link: one nil test, inlined.
    @inlinable public var impliedVersionRelation: Record? {
        guard let link = versionLink else { return nil }
        return versionRelation(link)
    }

    /// The relation `link` stands for (see `impliedVersionRelation`).
    @usableFromInline func versionRelation(_ link: VersionLink) -> Record? {
        let node = element.identifier
        guard !node.isRelation, node.version > 0 else { return nil }
        var previous = node.c
        previous.node.version -= 1
        let id = Identifier(relation: link.type, id: link.id, bootID: node.bootID, machineID: node.machineID)
        let info = RelationInfo(sender: Identifier(previous), receiver: node, offset: 0, flags: 0,
                                taskID: link.taskID, allowed: true, hasOffset: false)
        let relationHeader = RecordHeader(size: UInt32(MemoryLayout<prov_relation_record>.size),
                                          flags: header.flags & ~UInt8(PROV_RECORD_VERSIONED),
                                          timeNs: header.timeNs)
        return Record(header: relationHeader,
                      element: Element(identifier: id, epoch: element.epoch, flags: 0,
                                       jiffies: element.jiffies, taint: 0),
                      payload: .relation(info))
    }
}
