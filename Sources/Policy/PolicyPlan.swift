import Provenance

/// One write of a policy, with the ini line it comes from.
public struct PolicyStep: Equatable, Sendable, CustomStringConvertible {
    /// The change to make.
    public var action: ControlAction
    /// The ini line (nil for a default value, e.g. an absent `enabled`).
    public var origin: IniOrigin?
    /// `[section] key=value` of a default, used when `origin` is nil.
    public var defaultText: String

    /// Creates a value from its fields.
    public init(_ action: ControlAction, origin: IniOrigin?, defaultText: String = "") {
        self.action = action
        self.origin = origin
        self.defaultText = defaultText
    }

    public var description: String { origin?.description ?? "\(defaultText) (default)" }
}

extension CaptureConfiguration {
    /// The writes of this policy after the relay, in order of application:
    /// the `[file]` lists (opaque, track, propagate), the filters (node,
    /// relation, propagate node, propagate relation), the target lists
    /// (users, groups, cgroups, IPv4 ingress and egress, security
    /// contexts; each track, propagate, then opaque or record), and last the
    /// scalars (enable, all, should_version, compress_node, compress_edge,
    /// duplicate, label). Absent `[compression]` and `[network]` keys are
    /// not written.
    public var steps: [PolicyStep] {
        var steps: [PolicyStep] = []
        func add<V>(_ items: [Located<V>], _ make: (V) -> ControlAction?) {
            for item in items {
                if let action = make(item.value) { steps.append(PolicyStep(action, origin: item.origin)) }
            }
        }
        add(files.opaque) { .file(path: $0, .opaque(true)) }
        add(files.track) { .file(path: $0, .tracking(.on)) }
        add(files.propagate) { .file(path: $0, .tracking(.propagate)) }
        let node = FilterTarget(family: nil, propagate: false)
        let propagateNode = FilterTarget(family: nil, propagate: true)
        add(nodeFilters) { .filter(node, type: $0.rawValue, add: true) }
        add(relationFilters) { type in
            FilterTarget.relation(type, propagate: false).map { .filter($0, type: type.rawValue, add: true) }
        }
        add(propagateNodeFilters) { .filter(propagateNode, type: $0.rawValue, add: true) }
        add(propagateRelationFilters) { type in
            FilterTarget.relation(type, propagate: true).map { .filter($0, type: type.rawValue, add: true) }
        }
        add(users.track) { .user($0.id, .track) }
        add(users.propagate) { .user($0.id, .propagate) }
        add(users.opaque) { .user($0.id, .opaque) }
        add(groups.track) { .group($0.id, .track) }
        add(groups.propagate) { .group($0.id, .propagate) }
        add(groups.opaque) { .group($0.id, .opaque) }
        add(cgroups.track) { .cgroup($0, .track) }
        add(cgroups.propagate) { .cgroup($0, .propagate) }
        add(cgroups.opaque) { .cgroup($0, .opaque) }
        for (direction, lists) in [(IPv4Direction.ingress, ipv4Ingress), (.egress, ipv4Egress)] {
            add(lists.track) { .ipv4(direction, $0, .track) }
            add(lists.propagate) { .ipv4(direction, $0, .propagate) }
            add(lists.record) { .ipv4(direction, $0, .record) }
        }
        add(secctx.track) { .secctx($0, .track) }
        add(secctx.propagate) { .secctx($0, .propagate) }
        add(secctx.opaque) { .secctx($0, .opaque) }

        func scalar(_ flag: SecurityFS.Flag, _ value: Bool?, _ section: String, _ key: String) {
            guard let value else { return }
            steps.append(PolicyStep(.flag(flag, value), origin: scalarOrigins[section + "." + key],
                                    defaultText: "[\(section)] \(key)=\(value)"))
        }
        scalar(.enable, enabled, "provenance", "enabled")
        scalar(.all, all, "provenance", "all")
        scalar(.shouldVersion, compression.version, "compression", "version")
        scalar(.compressNode, compression.node, "compression", "node")
        scalar(.compressEdge, compression.edge, "compression", "edge")
        scalar(.duplicate, compression.duplicate, "compression", "duplicate")
        scalar(.label, network.label, "network", "label")
        return steps
    }
}
