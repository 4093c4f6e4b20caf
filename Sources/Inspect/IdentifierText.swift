import Provenance

/// Reading identifiers from their text form: standard base64 of the 32
/// identifier bytes (44 characters), optionally prefixed with `cf:`.
public enum IdentifierText {
    /// Why a text is not an identifier.
    public struct Problem: Error, Sendable, Equatable, CustomStringConvertible {
        /// What is wrong.
        public let message: String
        public var description: String { message }
    }

    /// Decodes `text` or explains precisely what is wrong with it.
    public static func parse(_ text: String) throws(Problem) -> Identifier {
        var body = Array(text.utf8)
        if body.starts(with: Array("cf:".utf8)) { body.removeFirst(3) }
        guard body.count == 44 else {
            throw Problem(message: "an identifier is 44 base64 characters (optionally after cf:), got \(body.count)")
        }
        for (i, c) in body.enumerated() where sextet(c) == nil {
            let shown = c >= 0x20 && c < 0x7F ? "'\(Character(Unicode.Scalar(c)))'" : "byte 0x\(String(c, radix: 16))"
            if c == UInt8(ascii: "=") && i == 43 { continue }
            throw Problem(message: "\(shown) at character \(i + 1) is not a base64 character")
        }
        guard body[43] == UInt8(ascii: "=") else {
            throw Problem(message: "the 44th character must be the padding '=' (32 bytes encode to 43 characters and '=')")
        }
        guard let id = body.withUnsafeBufferPointer({ decode($0, ByteSpan(start: 0, end: 44)) }) else {
            throw Problem(message: "the last base64 character carries bits beyond the 32 identifier bytes")
        }
        if id.isRelation {
            guard RelationType(rawValue: id.type).name != nil else {
                throw Problem(message: "type word 0x\(String(id.type, radix: 16)) is not a known relation type")
            }
        } else if NodeType(rawValue: id.type).name == nil {
            throw Problem(message: "type word 0x\(String(id.type, radix: 16)) is not a known node or relation type")
        }
        return id
    }

    /// Fast path for log parsing: decodes the 44 characters at `span`
    /// (after an optional `cf:`); nil if they are not a well-formed identifier.
    @inline(__always)
    static func decode(_ line: UnsafeBufferPointer<UInt8>, _ span: ByteSpan) -> Identifier? {
        var start = span.start
        if span.count == 47, line[start] == UInt8(ascii: "c"), line[start + 1] == UInt8(ascii: "f"),
            line[start + 2] == UInt8(ascii: ":")
        {
            start += 3
        }
        guard span.end - start == 44, line[start + 43] == UInt8(ascii: "=") else { return nil }
        var id = Identifier.zero
        let ok = withUnsafeMutableBytes(of: &id) { out -> Bool in
            var o = 0
            var i = start
            // 10 full groups of 4 characters -> 30 bytes
            for _ in 0..<10 {
                guard let a = sextet(line[i]), let b = sextet(line[i + 1]), let c = sextet(line[i + 2]),
                    let d = sextet(line[i + 3])
                else { return false }
                let v = a << 18 | b << 12 | c << 6 | d
                out[o] = UInt8(truncatingIfNeeded: v >> 16)
                out[o + 1] = UInt8(truncatingIfNeeded: v >> 8)
                out[o + 2] = UInt8(truncatingIfNeeded: v)
                o += 3
                i += 4
            }
            // last group: 3 characters + '=' -> 2 bytes
            guard let a = sextet(line[i]), let b = sextet(line[i + 1]), let c = sextet(line[i + 2]) else {
                return false
            }
            guard c & 0x3 == 0 else { return false }
            let v = a << 18 | b << 12 | c << 6
            out[o] = UInt8(truncatingIfNeeded: v >> 16)
            out[o + 1] = UInt8(truncatingIfNeeded: v >> 8)
            return true
        }
        return ok ? id : nil
    }

    @inline(__always) static func sextet(_ c: UInt8) -> UInt32? {
        switch c {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): return UInt32(c - UInt8(ascii: "A"))
        case UInt8(ascii: "a")...UInt8(ascii: "z"): return UInt32(c - UInt8(ascii: "a") + 26)
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(c - UInt8(ascii: "0") + 52)
        case UInt8(ascii: "+"): return 62
        case UInt8(ascii: "/"): return 63
        default: return nil
        }
    }

    /// The type name of an identifier: node or relation table name, or
    /// `unknown(0x…)`.
    public static func typeName(_ id: Identifier) -> String {
        let name = id.isRelation ? RelationType(rawValue: id.type).name : NodeType(rawValue: id.type).name
        return name ?? "unknown(0x\(String(id.type, radix: 16)))"
    }
}

/// A decoded identifier, ready to print (`camflow inspect --id`).
public struct IdentifierDescription: Sendable {
    /// The identifier described.
    public let identifier: Identifier

    /// Describes `identifier`.
    public init(_ identifier: Identifier) { self.identifier = identifier }

    /// Whether the identifier is a packet's (the packet view applies).
    public var isPacket: Bool { !identifier.isRelation && identifier.type == packetTypeWord }

    /// `field  value` lines.
    public var fields: [(String, String)] {
        let id = identifier
        let hexType = "0x" + String(id.type, radix: 16, uppercase: false).leftPadded(to: 16)
        var rows: [(String, String)] = [("identifier", "cf:" + id.base64)]
        if id.isRelation {
            let family = RelationType(rawValue: id.type).family.map { "\($0)" } ?? "none"
            rows.append(("type", "\(IdentifierText.typeName(id)) (relation, \(family) family, \(hexType))"))
            rows.append(("id", "\(id.id)"))
            rows.append(("boot id", "\(id.bootID)"))
            rows.append(("machine id", "\(id.machineID)"))
            return rows
        }
        let nodeClass = NodeType(rawValue: id.type).nodeClass.map { "\($0)" } ?? "no class"
        rows.append(("type", "\(IdentifierText.typeName(id)) (\(nodeClass), \(hexType))"))
        if isPacket {
            let p = id.packet
            rows.append(("packet id", "\(p.id)"))
            rows.append(("sender", "\(dottedQuad(p.senderIP)):\(p.senderPort)"))
            rows.append(("receiver", "\(dottedQuad(p.receiverIP)):\(p.receiverPort)"))
            rows.append(("protocol", "\(p.proto)"))
            rows.append(("sequence", "\(p.sequence)"))
            return rows
        }
        rows.append(("id", "\(id.id)"))
        rows.append(("boot id", "\(id.bootID)"))
        rows.append(("machine id", "\(id.machineID)"))
        rows.append(("version", "\(id.version)"))
        return rows
    }

    /// The fields as aligned text lines.
    public var text: String {
        let rows = fields
        let width = rows.map(\.0.count).max() ?? 0
        return rows.map { $0.0.padding(to: width) + "  " + $0.1 }.joined(separator: "\n")
    }
}

/// The type word of packet nodes (from the kernel's type table).
let packetTypeWord: UInt64 = NodeType(name: "packet")?.rawValue ?? 0

/// `a.b.c.d` of a host-order IPv4 address.
func dottedQuad(_ ip: UInt32) -> String {
    "\(ip >> 24).\(ip >> 16 & 0xFF).\(ip >> 8 & 0xFF).\(ip & 0xFF)"
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
    func padding(to width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
