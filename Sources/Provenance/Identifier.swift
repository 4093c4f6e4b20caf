import CProvenanceABI

/// The 32-byte identity of a node version, relation or packet
/// (`union prov_identifier`), kept as the exact bytes found in the record.
///
/// The field views read the bytes through the imported C structs, so the
/// layout is the kernel's. Its standard base64 form (44 characters) is the
/// graph key in the W3C and SPADE outputs.
public struct Identifier: Hashable, Sendable {
    // 32 raw bytes as four words (cheap hashing and comparison).
    @usableFromInline var w0: UInt64
    @usableFromInline var w1: UInt64
    @usableFromInline var w2: UInt64
    @usableFromInline var w3: UInt64

    /// The all-zero identifier (e.g. an unset `name_id`).
    public static let zero = Identifier(w0: 0, w1: 0, w2: 0, w3: 0)

    @usableFromInline init(w0: UInt64, w1: UInt64, w2: UInt64, w3: UInt64) {
        self.w0 = w0; self.w1 = w1; self.w2 = w2; self.w3 = w3
    }

    /// Copies the identifier from the C union.
    @inlinable public init(_ c: prov_identifier) {
        self = withUnsafeBytes(of: c) { $0.loadUnaligned(as: Identifier.self) }
    }

    /// Builds an identifier from exactly 32 raw bytes; nil for any other count.
    public init?(bytes: some Collection<UInt8>) {
        guard bytes.count == 32 else { return nil }
        var value = Identifier.zero
        withUnsafeMutableBytes(of: &value) { dst in
            for (i, b) in bytes.enumerated() { dst[i] = b }
        }
        self = value
    }

    /// Builds a node identifier from its fields.
    public init(node type: UInt64, id: UInt64, bootID: UInt32, machineID: UInt32, version: UInt32) {
        var c = prov_identifier()
        c.node.type = type
        c.node.id = id
        c.node.boot_id = bootID
        c.node.machine_id = machineID
        c.node.version = version
        self.init(c)
    }

    /// Builds a relation identifier from its fields.
    public init(relation type: UInt64, id: UInt64, bootID: UInt32, machineID: UInt32) {
        var c = prov_identifier()
        c.relation.type = type
        c.relation.id = id
        c.relation.boot_id = bootID
        c.relation.machine_id = machineID
        self.init(c)
    }

    /// The C union with the same bytes.
    @inlinable public var c: prov_identifier {
        withUnsafeBytes(of: self) { $0.loadUnaligned(as: prov_identifier.self) }
    }

    /// The raw 32 bytes.
    public var bytes: [UInt8] { withUnsafeBytes(of: self) { Array($0) } }

    /// The type word (first field of every view).
    @inlinable public var type: UInt64 { c.node.type }
    /// Whether this identifies a relation.
    @inlinable public var isRelation: Bool { type & DM_RELATION != 0 }
    /// Whether the type word is zero (an unset identifier).
    @inlinable public var isZero: Bool { w0 == 0 && w1 == 0 && w2 == 0 && w3 == 0 }

    /// Node or relation id (node and relation views).
    @inlinable public var id: UInt64 { c.node.id }
    /// Boot id (node and relation views).
    @inlinable public var bootID: UInt32 { c.node.boot_id }
    /// Machine id (node and relation views).
    @inlinable public var machineID: UInt32 { c.node.machine_id }
    /// Node version (node view).
    @inlinable public var version: UInt32 { c.node.version }

    /// The packet view, with the network-order fields converted to host order.
    public var packet: PacketIdentity {
        let p = c.packet
        return PacketIdentity(
            id: UInt16(bigEndian: p.id),
            senderIP: UInt32(bigEndian: p.snd_ip),
            receiverIP: UInt32(bigEndian: p.rcv_ip),
            senderPort: UInt16(bigEndian: p.snd_port),
            receiverPort: UInt16(bigEndian: p.rcv_port),
            proto: p.protocol,
            sequence: UInt32(bigEndian: p.seq))
    }

    /// Standard base64 (with padding) of the 32 bytes: always 44 characters.
    public var base64: String {
        var out = [UInt8]()
        out.reserveCapacity(44)
        appendBase64(to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the 44-character base64 form to `out` (no allocation beyond growth of `out`).
    @inlinable public func appendBase64(to out: inout [UInt8]) {
        withUnsafeBytes(of: self) { Base64.append($0, to: &out) }
    }

    /// Parses the base64 form, with or without a `cf:` prefix.
    public init?(base64 text: String) {
        var s = Substring(text)
        if s.hasPrefix("cf:") { s = s.dropFirst(3) }
        guard let decoded = Base64.decode(Array(s.utf8)), let value = Identifier(bytes: decoded)
        else { return nil }
        self = value
    }
}

/// The fields of a packet identifier, in host byte order.
public struct PacketIdentity: Sendable, Equatable {
    /// IPv4 identification field.
    public var id: UInt16
    /// Sender IPv4 address as a host-order integer (a.b.c.d = a<<24 | ...).
    public var senderIP: UInt32
    /// Receiver IPv4 address as a host-order integer.
    public var receiverIP: UInt32
    public var senderPort: UInt16
    public var receiverPort: UInt16
    /// IP protocol number.
    public var proto: UInt8
    /// TCP sequence number.
    public var sequence: UInt32
}
