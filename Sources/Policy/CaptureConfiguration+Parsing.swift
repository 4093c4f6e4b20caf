import Ini
import Provenance

/// The result of reading `/etc/camflow.ini`: the policy, the problems (bad
/// values, each naming `file:line`) and the warnings (unknown sections and
/// keys, unparsable lines).
public struct LoadedCaptureConfiguration: Sendable {
    /// The policy made of every valid entry.
    public var configuration: CaptureConfiguration
    /// Every bad value, in file order; nothing should be applied when not empty.
    public var problems: [ConfigurationError]
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
        "cgroup": ["track", "propagate", "opaque"],
        "secctx": ["track", "propagate", "opaque"],
        "relay": ["buff_exp", "subuf_nb"],
        "network": ["label"],
    ]

    /// Reads and validates the capture policy at `path`.
    /// - Throws: `IniError` if the file cannot be read; bad values are in `problems`.
    public static func load(path: String = defaultPath) throws -> LoadedCaptureConfiguration {
        try parse(IniFile(path: path))
    }

    /// Validates a parsed ini file into a policy, collecting every problem.
    public static func parse(_ file: IniFile) -> LoadedCaptureConfiguration {
        var config = CaptureConfiguration()
        var problems: [ConfigurationError] = []
        for entry in file.entries {
            guard let keys = sections[entry.section], keys.contains(entry.key) else { continue }
            do {
                try config.apply(entry, from: file)
            } catch let error as ConfigurationError {
                problems.append(error)
            } catch {
                problems.append(ConfigurationError(file, entry, "\(error)"))
            }
        }
        let warnings = file.warnings(knownSections: Set(sections.keys)) { section, key in
            sections[section]?.contains(key) ?? false
        }
        return LoadedCaptureConfiguration(configuration: config, problems: problems, warnings: warnings)
    }

    private mutating func apply(_ entry: IniEntry, from file: IniFile) throws {
        let value = entry.value
        let section = String(entry.section.map { $0 == "\u{2212}" ? "-" : $0 })
        let origin = IniOrigin(path: file.path, line: entry.line, section: entry.section,
                               key: entry.key, value: value)
        func fail(_ message: String) -> ConfigurationError { ConfigurationError(file, entry, message) }
        func bool() throws -> Bool {
            guard let b = IniFile.boolean(value) else { throw fail("not a boolean (true or false)") }
            scalarOrigins[section + "." + entry.key] = origin
            return b
        }
        func nodeType() throws -> Located<NodeType> {
            guard let t = NodeType(name: value) else { throw fail("unknown node type") }
            return Located(t, origin: origin)
        }
        func relationType() throws -> Located<RelationType> {
            guard let t = RelationType(name: value) else { throw fail("unknown relation type") }
            guard FilterTarget.relation(t, propagate: false) != nil else {
                throw fail("relations of this family cannot be filtered")
            }
            return Located(t, origin: origin)
        }
        func ipv4() throws -> Located<IPv4Filter> {
            guard let f = IPv4Filter(parsing: value) else {
                throw fail("not an address/prefix:port (e.g. 192.168.0.0/16:80)")
            }
            return Located(f, origin: origin)
        }
        func ranged(_ range: ClosedRange<UInt32>) throws -> UInt32 {
            guard let v = IniFile.unsigned(value), v >= range.lowerBound, v <= range.upperBound else {
                throw fail("out of range \(range.lowerBound)...\(range.upperBound)")
            }
            scalarOrigins[section + "." + entry.key] = origin
            return UInt32(v)
        }
        func add<V>(_ item: V, to lists: inout TargetLists<V>) {
            let located = Located(item, origin: origin)
            switch entry.key {
            case "track": lists.track.append(located)
            case "propagate": lists.propagate.append(located)
            default: lists.opaque.append(located)
            }
        }
        func add(_ item: Located<IPv4Filter>, to lists: inout IPv4Lists) {
            switch entry.key {
            case "track": lists.track.append(item)
            case "propagate": lists.propagate.append(item)
            default: lists.record.append(item)
            }
        }

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
        case ("network", "label"): network.label = try bool()
        case ("ipv4-ingress", _): add(try ipv4(), to: &ipv4Ingress)
        case ("ipv4-egress", _): add(try ipv4(), to: &ipv4Egress)
        case ("file", _):
            guard value.hasPrefix("/") else { throw fail("not an absolute path") }
            add(value, to: &files)
        case ("user", _):
            guard !value.isEmpty else { throw fail("empty value") }
            guard let uid = Accounts.uid(value) else { throw fail("no such user") }
            add(Account(name: value, id: uid), to: &users)
        case ("group", _):
            guard !value.isEmpty else { throw fail("empty value") }
            guard let gid = Accounts.gid(value) else { throw fail("no such group") }
            add(Account(name: value, id: gid), to: &groups)
        case ("cgroup", _):
            guard let ns = Self.inodeNumber(value) else {
                throw fail("not a cgroup namespace inode number (decimal or 0x hex, 32 bits)")
            }
            add(ns, to: &cgroups)
        default:
            guard !value.isEmpty else { throw fail("empty value") }
            guard value.utf8.count < 256 else { throw fail("longer than 255 bytes") }
            add(value, to: &secctx)
        }
    }

    /// A cgroup namespace inode number: decimal or `0x` hexadecimal, 1...2^32-1.
    public static func inodeNumber(_ text: String) -> UInt32? {
        let lower = text.lowercased()
        let value: UInt64?
        if lower.hasPrefix("0x") {
            let digits = lower.dropFirst(2)
            value = digits.isEmpty || digits.count > 8 ? nil : UInt64(digits, radix: 16)
        } else {
            value = IniFile.unsigned(text)
        }
        guard let value, value > 0, value <= UInt64(UInt32.max) else { return nil }
        return UInt32(value)
    }
}
