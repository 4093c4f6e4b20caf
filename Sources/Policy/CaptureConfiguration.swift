import Provenance

/// The capture policy of `/etc/camflow.ini` (reference §5.2).
///
/// Applied in this version: `[provenance] machine_id, enabled, all` and
/// `[relay] buff_exp, subuf_nb`. The other keys are parsed and validated into
/// this model so that later versions can apply them.
public struct CaptureConfiguration: Equatable, Sendable {
    /// `[provenance] machine_id`; 0 means "use the machine id file".
    public var machineID: UInt32 = 0
    /// `[provenance] enabled` (absent: false, as the reference).
    public var enabled = false
    /// `[provenance] all` (absent: false).
    public var all = false
    /// `[provenance] node_filter` entries.
    public var nodeFilters: [NodeType] = []
    /// `[provenance] relation_filter` entries.
    public var relationFilters: [RelationType] = []
    /// `[provenance] propagate_node_filter` entries.
    public var propagateNodeFilters: [NodeType] = []
    /// `[provenance] propagate_relation_filter` entries.
    public var propagateRelationFilters: [RelationType] = []
    /// `[compression]` keys; nil when absent.
    public var compression = Compression()
    /// `[file]` lists.
    public var files = TargetLists()
    /// `[ipv4-ingress]` (ASCII '-' or U+2212) lists.
    public var ipv4Ingress = IPv4Lists()
    /// `[ipv4-egress]` lists.
    public var ipv4Egress = IPv4Lists()
    /// `[user]` lists (user names).
    public var users = TargetLists()
    /// `[group]` lists (group names).
    public var groups = TargetLists()
    /// `[secctx]` lists (security contexts).
    public var secctx = TargetLists()
    /// `[relay]` geometry.
    public var relay = RelayGeometry()

    /// Creates a value from its fields.
    public init() {}
}

/// `[compression]` booleans (nil when the key is absent).
public struct Compression: Equatable, Sendable {
    public var version: Bool?
    public var node: Bool?
    public var edge: Bool?
    public var duplicate: Bool?
    /// Creates a value from its fields.
    public init() {}
}

/// `track` / `propagate` / `opaque` lists of `[file]`, `[user]`, `[group]`, `[secctx]`.
public struct TargetLists: Equatable, Sendable {
    public var track: [String] = []
    public var propagate: [String] = []
    public var opaque: [String] = []
    /// Creates a value from its fields.
    public init() {}
}

/// `track` / `propagate` / `record` lists of the IPv4 sections.
public struct IPv4Lists: Equatable, Sendable {
    public var track: [IPv4Filter] = []
    public var propagate: [IPv4Filter] = []
    public var record: [IPv4Filter] = []
    /// Creates a value from its fields.
    public init() {}
}

/// One `a.b.c.d/len:port` entry (port 0 = any port).
public struct IPv4Filter: Equatable, Sendable, CustomStringConvertible {
    /// Address as a host-order integer (a.b.c.d = a<<24 | b<<16 | c<<8 | d).
    public var address: UInt32
    /// Prefix length, 0...32.
    public var prefixLength: UInt8
    public var port: UInt16

    /// Creates a value from its fields.
    public init(address: UInt32, prefixLength: UInt8, port: UInt16) {
        self.address = address
        self.prefixLength = prefixLength
        self.port = port
    }

    /// The network mask as a host-order integer.
    public var mask: UInt32 { prefixLength == 0 ? 0 : UInt32.max << (32 - UInt32(prefixLength)) }

    /// Parses `a.b.c.d/len:port`; nil when malformed or out of range.
    public init?(parsing text: String) {
        let trimmed = Substring(text)
        guard let slash = trimmed.firstIndex(of: "/"),
              let colon = trimmed[slash...].firstIndex(of: ":") else { return nil }
        let octets = trimmed[..<slash].split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4 else { return nil }
        var address: UInt32 = 0
        for octet in octets {
            guard !octet.isEmpty, octet.count <= 3, octet.allSatisfy({ $0.isASCII && $0.isNumber }),
                  let v = UInt32(octet), v <= 255 else { return nil }
            address = address << 8 | v
        }
        let lenText = trimmed[trimmed.index(after: slash)..<colon]
        let portText = trimmed[trimmed.index(after: colon)...]
        guard !lenText.isEmpty, lenText.allSatisfy({ $0.isASCII && $0.isNumber }), lenText.count <= 2,
              let len = UInt8(lenText), len <= 32,
              !portText.isEmpty, portText.allSatisfy({ $0.isASCII && $0.isNumber }), portText.count <= 5,
              let port = UInt32(portText), port <= 65_535
        else { return nil }
        self.init(address: address, prefixLength: len, port: UInt16(port))
    }

    public var description: String {
        "\(address >> 24).\(address >> 16 & 0xFF).\(address >> 8 & 0xFF).\(address & 0xFF)/\(prefixLength):\(port)"
    }
}

/// `[relay]` geometry written to `relay_conf`.
public struct RelayGeometry: Equatable, Sendable {
    /// Sub-buffers of `1 << buffExp` bytes (default 20: 1 MiB).
    public var buffExp: UInt32 = 20
    /// Sub-buffers per CPU and channel (default 8).
    public var subufNb: UInt32 = 8
    /// Creates a value from its fields.
    public init() {}
}
