import Provenance

/// Where a setting came from: `file:line: [section] key=value`.
public struct IniOrigin: Equatable, Sendable, CustomStringConvertible {
    /// The ini file.
    public var path: String
    /// 1-based line number.
    public var line: Int
    /// Section as written (U+2212 kept).
    public var section: String
    /// Key name.
    public var key: String
    /// Value as written.
    public var value: String

    /// Creates a value from its fields.
    public init(path: String, line: Int, section: String, key: String, value: String) {
        self.path = path
        self.line = line
        self.section = section
        self.key = key
        self.value = value
    }

    public var description: String { "\(path):\(line): [\(section)] \(key)=\(value)" }
}

/// A list item with the ini line it came from (nil when built in code).
public struct Located<Value: Equatable & Sendable>: Equatable, Sendable {
    /// The item.
    public var value: Value
    /// Its ini line.
    public var origin: IniOrigin?

    /// Creates a value from its fields.
    public init(_ value: Value, origin: IniOrigin? = nil) {
        self.value = value
        self.origin = origin
    }
}

/// A user or group as written in the ini file, resolved to its id.
public struct Account: Equatable, Sendable {
    /// The name as written (or the number).
    public var name: String
    /// The uid or gid.
    public var id: UInt32

    /// Creates a value from its fields.
    public init(name: String, id: UInt32) {
        self.name = name
        self.id = id
    }
}

/// The capture policy of `/etc/camflow.ini` (reference §5.2), every key.
public struct CaptureConfiguration: Equatable, Sendable {
    /// `[provenance] machine_id`; 0 means "use the machine id file".
    public var machineID: UInt32 = 0
    /// `[provenance] enabled` (absent: false, as the reference).
    public var enabled = false
    /// `[provenance] all` (absent: false).
    public var all = false
    /// `[provenance] node_filter` entries.
    public var nodeFilters: [Located<NodeType>] = []
    /// `[provenance] relation_filter` entries.
    public var relationFilters: [Located<RelationType>] = []
    /// `[provenance] propagate_node_filter` entries.
    public var propagateNodeFilters: [Located<NodeType>] = []
    /// `[provenance] propagate_relation_filter` entries.
    public var propagateRelationFilters: [Located<RelationType>] = []
    /// `[compression]` keys; nil when absent (the kernel's value is left alone).
    public var compression = Compression()
    /// `[file]` lists (absolute paths).
    public var files = TargetLists<String>()
    /// `[ipv4-ingress]` (ASCII '-' or U+2212) lists.
    public var ipv4Ingress = IPv4Lists()
    /// `[ipv4-egress]` lists.
    public var ipv4Egress = IPv4Lists()
    /// `[user]` lists (names resolved to uids).
    public var users = TargetLists<Account>()
    /// `[group]` lists (names resolved to gids).
    public var groups = TargetLists<Account>()
    /// `[cgroup]` lists (cgroup namespace inode numbers).
    public var cgroups = TargetLists<UInt32>()
    /// `[secctx]` lists (security contexts).
    public var secctx = TargetLists<String>()
    /// `[relay]` geometry.
    public var relay = RelayGeometry()
    /// `[network]` keys; nil when absent (the kernel's value is left alone).
    public var network = NetworkPolicy()
    /// The line of the last occurrence of each scalar key, by "section.key".
    public var scalarOrigins: [String: IniOrigin] = [:]

    /// Creates a value from its fields.
    public init() {}
}

/// `[compression]` booleans (nil when the key is absent).
public struct Compression: Equatable, Sendable {
    /// `version`: versioning (`should_version`).
    public var version: Bool?
    /// `node`: node compression.
    public var node: Bool?
    /// `edge`: edge compression.
    public var edge: Bool?
    /// `duplicate`: record duplicates.
    public var duplicate: Bool?
    /// Creates a value from its fields.
    public init() {}
}

/// `[network]` keys (nil when the key is absent).
public struct NetworkPolicy: Equatable, Sendable {
    /// `label`: in-band provenance labels on the packets of recorded
    /// sockets (securityfs `label`; off in the kernel until written).
    public var label: Bool?
    /// Creates a value from its fields.
    public init() {}
}

/// `track` / `propagate` / `opaque` lists of `[file]`, `[user]`, `[group]`,
/// `[cgroup]`, `[secctx]`.
public struct TargetLists<Value: Equatable & Sendable>: Equatable, Sendable {
    /// `track=` entries.
    public var track: [Located<Value>] = []
    /// `propagate=` entries.
    public var propagate: [Located<Value>] = []
    /// `opaque=` entries.
    public var opaque: [Located<Value>] = []
    /// Creates a value from its fields.
    public init() {}
}

/// `track` / `propagate` / `record` lists of the IPv4 sections.
public struct IPv4Lists: Equatable, Sendable {
    /// `track=` entries.
    public var track: [Located<IPv4Filter>] = []
    /// `propagate=` entries.
    public var propagate: [Located<IPv4Filter>] = []
    /// `record=` entries (packet content recorded).
    public var record: [Located<IPv4Filter>] = []
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
