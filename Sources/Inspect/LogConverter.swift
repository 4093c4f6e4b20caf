import Provenance

/// Converts log elements to W3C PROV-JSON or SPADE JSON, element by element,
/// into the layouts `camflow record` writes (docs/inspect.md lists the key
/// mapping). Attribute values are copied byte for byte; only keys are
/// renamed, `prov:label` and the relation roles are dropped (SPADE) or
/// rebuilt (W3C), and attributes the target layout has no slot for are kept
/// under the target's naming convention, so that W3C → SPADE → W3C gives
/// back the same elements.
public struct LogConverter: LogVisitor {
    /// The format written.
    public let target: LogFormat
    private let output: OutputFile
    /// The first write error (the visitor cannot throw); reported by `finish()`.
    private var writeError: OutputError?
    private var documents = W3CDocumentWriter()
    private var members = MemberWriter()
    private var consumed: [Bool] = []
    /// Number of elements written.
    public private(set) var elementsWritten = 0

    public init(target: LogFormat, output: OutputFile) {
        self.target = target
        self.output = output
    }

    public mutating func visit(_ element: LogElement) {
        guard writeError == nil else { return }
        consumed.removeAll(keepingCapacity: true)
        consumed.append(contentsOf: repeatElement(false, count: element.attributes.count))
        members.reset()
        do throws(OutputError) {
            switch (element.format, target) {
            case (.w3c, .w3c): try w3c(element, members: copy(element))
            case (.spade, .spade): try spade(element)
            case (.w3c, .spade): try spade(element)
            case (.spade, .w3c): try w3c(element, members: fromSpade(element))
            }
            elementsWritten += 1
        } catch {
            writeError = error
        }
    }

    /// Writes what is pending and reports the first write error.
    public mutating func finish() throws(OutputError) {
        if let writeError { throw writeError }
        if let doc = documents.take() { try output.write(doc) }
        try output.flush()
    }

    // MARK: W3C output

    private mutating func w3c(_ element: LogElement, members: [UInt8]) throws(OutputError) {
        if let doc = documents.add(element.section, id: element.id, members: members) { try output.write(doc) }
    }

    private mutating func copy(_ element: LogElement) -> [UInt8] {
        for a in element.attributes {
            members.key(prefix: "", element.line, a.key.span)
            members.raw(element.line, a.value)
        }
        return members.out
    }

    // MARK: attribute lookup

    /// Index of the first unconsumed attribute named `key`; marks it consumed.
    private mutating func take(_ element: LogElement, _ key: StaticString) -> ByteSpan? {
        for (i, a) in element.attributes.enumerated() where !consumed[i] && JSONText.equals(element.line, a.key.span, key) {
            consumed[i] = true
            return a.value
        }
        return nil
    }

    /// Copies attribute `source` under the name `target`, if present.
    private mutating func move(_ element: LogElement, _ source: StaticString, to target: StaticString) {
        guard let v = take(element, source) else { return }
        members.key(target)
        members.raw(element.line, v)
    }

    private func isKey(_ element: LogElement, _ a: Attribute, _ key: StaticString) -> Bool {
        JSONText.equals(element.line, a.key.span, key)
    }
}

// MARK: - SPADE output

extension LogConverter {
    private mutating func spade(_ element: LogElement) throws(OutputError) {
        members.literal("{\"type\":\"")
        if element.section.isRelation {
            members.literal(element.section.spadeEdgeTypeStatic)
            members.literal("\",\"from\":")
            members.identifier(element.receiver, prefixed: false)
            members.literal(",\"to\":")
            members.identifier(element.sender, prefixed: false)
        } else {
            switch element.section {
            case .activity: members.literal("Activity")
            case .agent: members.literal("Agent")
            default: members.literal("Entity")
            }
            members.literal("\",\"id\":")
            members.identifier(element.id, prefixed: false)
        }
        // `literal` does not count as a member: the first annotation gets no comma
        members.literal(",\"annotations\": {")
        if element.format == .spade {
            _ = copy(element)
        } else if element.section.isRelation {
            spadeRelation(element)
        } else {
            spadeVertex(element)
        }
        members.literal("}}\n")
        try output.write(members.out)
    }

    private mutating func spadeVertex(_ element: LogElement) {
        let type = element.id.type
        if type == GraphTypes.packet {
            move(element, "prov:type", to: "object_type")
            move(element, "cf:date", to: "cf:date")
            move(element, "cf:id", to: "packet_id")
            move(element, "cf:seq", to: "seq")
            move(element, "cf:sender", to: "sender")
            move(element, "cf:receiver", to: "receiver")
            move(element, "cf:jiffies", to: "jiffies")
            move(element, "cf:len", to: "ih_len")
        } else {
            move(element, "cf:id", to: "object_id")
            move(element, "prov:type", to: "object_type")
            move(element, "cf:boot_id", to: "boot_id")
            move(element, "cf:machine_id", to: "cf:machine_id")
            move(element, "cf:version", to: "version")
            move(element, "cf:date", to: "cf:date")
            move(element, "cf:name", to: "cf:name")
            move(element, "cf:taint", to: "cf:taint")
            move(element, "cf:jiffies", to: "cf:jiffies")
            move(element, "cf:epoch", to: "cf:epoch")
        }
        let shm = type == GraphTypes.shm, sb = type == GraphTypes.sb
        for (i, a) in element.attributes.enumerated() where !consumed[i] {
            let line = element.line
            if isKey(element, a, "prov:label") { continue }
            if isKey(element, a, "cf:address_family") {
                members.key("type")
                members.unquotingNumber(line, a.value)
            } else if isKey(element, a, "cf:hasParent") {
                members.key("hasParent")
                members.strippingPrefix(line, a.value)
            } else if (shm && isKey(element, a, "cf:mode")) || (sb && isKey(element, a, "cf:uuid"))
                || (type == GraphTypes.packet && isKey(element, a, "cf:taint"))
                || !JSONText.hasPrefix(line, a.key.span, "cf:")
            {
                members.key(prefix: "", line, a.key.span)
                members.raw(line, a.value)
            } else {
                members.key(prefix: "", line, ByteSpan(start: a.key.span.start + 3, end: a.key.span.end))
                members.raw(line, a.value)
            }
        }
    }

    private mutating func spadeRelation(_ element: LogElement) {
        members.key("id")
        members.identifier(element.id, prefixed: false)
        move(element, "cf:id", to: "relation_id")
        move(element, "prov:type", to: "relation_type")
        move(element, "cf:boot_id", to: "boot_id")
        move(element, "cf:machine_id", to: "cf:machine_id")
        move(element, "cf:date", to: "cf:date")
        move(element, "cf:epoch", to: "epoch")
        move(element, "cf:jiffies", to: "jiffies")
        move(element, "cf:allowed", to: "allowed")
        move(element, "cf:offset", to: "offset")
        move(element, "cf:flags", to: "flags")
        move(element, "cf:task_id", to: "task_id")
        let section = element.section
        for (i, a) in element.attributes.enumerated() where !consumed[i] {
            let line = element.line
            if isKey(element, a, "prov:label") || isKey(element, a, section.senderRoleKey)
                || isKey(element, a, section.receiverRoleKey)
            {
                continue
            }
            let strip = JSONText.hasPrefix(line, a.key.span, "cf:") ? 3 : 0
            members.key(prefix: "", line, ByteSpan(start: a.key.span.start + strip, end: a.key.span.end))
            members.raw(line, a.value)
        }
        members.key("from_type")
        members.typeName(element.receiver)
        members.key("to_type")
        members.typeName(element.sender)
    }
}

// MARK: - W3C from SPADE

extension LogConverter {
    private mutating func fromSpade(_ element: LogElement) -> [UInt8] {
        element.section.isRelation ? w3cRelation(element) : w3cVertex(element)
    }

    private mutating func w3cRelation(_ element: LogElement) -> [UInt8] {
        let line = element.line
        move(element, "relation_id", to: "cf:id")
        let relationType = take(element, "relation_type")
        if let relationType {
            members.key("prov:type")
            members.raw(line, relationType)
        }
        move(element, "boot_id", to: "cf:boot_id")
        move(element, "cf:machine_id", to: "cf:machine_id")
        move(element, "cf:date", to: "cf:date")
        move(element, "jiffies", to: "cf:jiffies")
        move(element, "epoch", to: "cf:epoch")
        if let relationType {
            members.key("prov:label")
            members.raw(line, relationType)
        }
        move(element, "allowed", to: "cf:allowed")
        members.key(element.section.senderRoleKey)
        members.identifier(element.sender, prefixed: true)
        members.key(element.section.receiverRoleKey)
        members.identifier(element.receiver, prefixed: true)
        move(element, "offset", to: "cf:offset")
        move(element, "flags", to: "cf:flags")
        move(element, "task_id", to: "cf:task_id")
        for (i, a) in element.attributes.enumerated() where !consumed[i] {
            if isKey(element, a, "id") || isKey(element, a, "from_type") || isKey(element, a, "to_type") { continue }
            w3cMember(element, a)
        }
        return members.out
    }

    private mutating func w3cVertex(_ element: LogElement) -> [UInt8] {
        let type = element.id.type
        if type == GraphTypes.packet {
            move(element, "packet_id", to: "cf:id")
            move(element, "seq", to: "cf:seq")
            move(element, "sender", to: "cf:sender")
            move(element, "receiver", to: "cf:receiver")
            move(element, "object_type", to: "prov:type")
            move(element, "cf:taint", to: "cf:taint")
            move(element, "jiffies", to: "cf:jiffies")
            move(element, "ih_len", to: "cf:len")
        } else {
            move(element, "object_id", to: "cf:id")
            move(element, "object_type", to: "prov:type")
            move(element, "boot_id", to: "cf:boot_id")
            move(element, "cf:machine_id", to: "cf:machine_id")
            move(element, "version", to: "cf:version")
            move(element, "cf:date", to: "cf:date")
            move(element, "cf:taint", to: "cf:taint")
            move(element, "cf:jiffies", to: "cf:jiffies")
            move(element, "cf:epoch", to: "cf:epoch")
            move(element, "cf:name", to: "cf:name")
        }
        for (i, a) in element.attributes.enumerated() where !consumed[i] {
            if isKey(element, a, "type") {
                members.key("cf:address_family")
                members.quotingNumber(element.line, a.value)
            } else if isKey(element, a, "hasParent") {
                members.key("cf:hasParent")
                members.addingPrefix(element.line, a.value)
            } else {
                w3cMember(element, a)
            }
        }
        W3CLabel.append(for: element, to: &members)
        return members.out
    }

    /// A SPADE annotation as a W3C attribute: `cf:` added unless present.
    private mutating func w3cMember(_ element: LogElement, _ a: Attribute) {
        let prefixed = JSONText.hasPrefix(element.line, a.key.span, "cf:")
        members.key(prefix: prefixed ? "" : "cf:", element.line, a.key.span)
        members.raw(element.line, a.value)
    }
}
