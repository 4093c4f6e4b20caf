import Ini
import Provenance

/// The result of reading `/etc/camflow.ini`: the policy and the warnings
/// (unknown sections and keys, unparsable lines) to print.
public struct LoadedCaptureConfiguration: Sendable {
    public var configuration: CaptureConfiguration
    /// One line each, naming `file:line`.
    public var warnings: [String]
}

extension CaptureConfiguration {
    /// The default path of the capture policy.
    public static let defaultPath = "/etc/camflow.ini"

    /// Section names; the IPv4 sections are accepted with an ASCII '-' and
    /// with U+2212 MINUS SIGN (the spelling of the reference's shipped file).
    static let sections: [String: Set<String>] = [
        "provenance": ["machine_id", "enabled", "all", "node_filter", "relation_filter",
                       "propagate_node_filter", "propagate_relation_filter"],
        "compression": ["version", "node", "edge", "duplicate"],
        "file": ["opaque", "track", "propagate"],
        "ipv4-ingress": ["track", "propagate", "record"],
        "ipv4\u{2212}ingress": ["track", "propagate", "record"],
        "ipv4-egress": ["track", "propagate", "record"],
        "ipv4\u{2212}egress": ["track", "propagate", "record"],
        "user": ["track", "propagate", "opaque"],
        "group": ["track", "propagate", "opaque"],
        "secctx": ["track", "propagate", "opaque"],
        "relay": ["buff_exp", "subuf_nb"],
    ]

    /// Reads and validates the capture policy at `path`.
    /// - Throws: `IniError` if unreadable, `ConfigurationError` naming the key for a bad value.
    public static func load(path: String = defaultPath) throws -> LoadedCaptureConfiguration {
        try parse(IniFile(path: path))
    }

    /// Validates a parsed ini file into a policy.
    /// - Throws: `ConfigurationError` naming the file, line and key of the first bad value.
    public static func parse(_ file: IniFile) throws -> LoadedCaptureConfiguration {
        var config = CaptureConfiguration()
        for entry in file.entries {
            guard let keys = sections[entry.section], keys.contains(entry.key) else { continue }
            try config.apply(entry, from: file)
        }
        let warnings = file.warnings(knownSections: Set(sections.keys)) { section, key in
            sections[section]?.contains(key) ?? false
        }
        return LoadedCaptureConfiguration(configuration: config, warnings: warnings)
    }

    private mutating func apply(_ entry: IniEntry, from file: IniFile) throws {
        let value = entry.value
        func fail(_ message: String) -> ConfigurationError { ConfigurationError(file, entry, message) }
        func bool() throws -> Bool {
            guard let b = IniFile.boolean(value) else { throw fail("not a boolean (true or false)") }
            return b
        }
        func nodeType() throws -> NodeType {
            guard let t = NodeType(name: value) else { throw fail("unknown node type") }
            return t
        }
        func relationType() throws -> RelationType {
            guard let t = RelationType(name: value) else { throw fail("unknown relation type") }
            switch t.family {
            case .derived, .generated, .used, .informed: return t
            default: throw fail("relations of this family cannot be filtered")
            }
        }
        func nonEmpty() throws -> String {
            guard !value.isEmpty else { throw fail("empty value") }
            return value
        }
        func ipv4() throws -> IPv4Filter {
            guard let f = IPv4Filter(parsing: value) else {
                throw fail("not an address/prefix:port (e.g. 192.168.0.0/16:80)")
            }
            return f
        }
        func ranged(_ range: ClosedRange<UInt32>) throws -> UInt32 {
            guard let v = IniFile.unsigned(value), v >= range.lowerBound, v <= range.upperBound else {
                throw fail("out of range \(range.lowerBound)...\(range.upperBound)")
            }
            return UInt32(v)
        }

        let section = String(entry.section.map { $0 == "\u{2212}" ? "-" : $0 })
        switch (section, entry.key) {
        case ("provenance", "machine_id"): machineID = try ranged(0...UInt32.max)
        case ("provenance", "enabled"): enabled = try bool()
        case ("provenance", "all"): all = try bool()
        case ("provenance", "node_filter"): nodeFilters.append(try nodeType())
        case ("provenance", "relation_filter"): relationFilters.append(try relationType())
        case ("provenance", "propagate_node_filter"): propagateNodeFilters.append(try nodeType())
        case ("provenance", "propagate_relation_filter"): propagateRelationFilters.append(try relationType())
        case ("compression", "version"): compression.version = try bool()
        case ("compression", "node"): compression.node = try bool()
        case ("compression", "edge"): compression.edge = try bool()
        case ("compression", "duplicate"): compression.duplicate = try bool()
        case ("relay", "buff_exp"): relay.buffExp = try ranged(13...24)
        case ("relay", "subuf_nb"): relay.subufNb = try ranged(2...256)
        case ("ipv4-ingress", "track"): ipv4Ingress.track.append(try ipv4())
        case ("ipv4-ingress", "propagate"): ipv4Ingress.propagate.append(try ipv4())
        case ("ipv4-ingress", "record"): ipv4Ingress.record.append(try ipv4())
        case ("ipv4-egress", "track"): ipv4Egress.track.append(try ipv4())
        case ("ipv4-egress", "propagate"): ipv4Egress.propagate.append(try ipv4())
        case ("ipv4-egress", "record"): ipv4Egress.record.append(try ipv4())
        case (let s, let k):
            let item = try nonEmpty()
            func add(_ lists: inout TargetLists) {
                switch k {
                case "track": lists.track.append(item)
                case "propagate": lists.propagate.append(item)
                default: lists.opaque.append(item)
                }
            }
            switch s {
            case "file": add(&files)
            case "user": add(&users)
            case "group": add(&groups)
            default: add(&secctx)
            }
        }
    }
}
