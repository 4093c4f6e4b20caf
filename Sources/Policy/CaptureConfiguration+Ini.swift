import Provenance

extension CaptureConfiguration {
    /// The policy as a normalized `/etc/camflow.ini` (every section that has
    /// a value, ASCII section names, list keys one per line), which
    /// `camflow configure` reads back to the same policy.
    public var iniText: String {
        var out = "[provenance]\nmachine_id=\(machineID)\nenabled=\(enabled)\nall=\(all)\n"
        func list<V>(_ key: String, _ items: [Located<V>], _ render: (V) -> String) {
            for item in items { out += "\(key)=\(render(item.value))\n" }
        }
        list("node_filter", nodeFilters) { $0.name ?? "" }
        list("relation_filter", relationFilters) { $0.name ?? "" }
        list("propagate_node_filter", propagateNodeFilters) { $0.name ?? "" }
        list("propagate_relation_filter", propagateRelationFilters) { $0.name ?? "" }
        let c = compression
        let keys = [("version", c.version), ("node", c.node), ("edge", c.edge), ("duplicate", c.duplicate)]
        if keys.contains(where: { $0.1 != nil }) {
            out += "\n[compression]\n"
            for (key, value) in keys { if let value { out += "\(key)=\(value)\n" } }
        }
        func section<V>(_ name: String, _ lists: TargetLists<V>, _ render: (V) -> String) {
            guard !(lists.track.isEmpty && lists.propagate.isEmpty && lists.opaque.isEmpty) else { return }
            out += "\n[\(name)]\n"
            list("track", lists.track, render)
            list("propagate", lists.propagate, render)
            list("opaque", lists.opaque, render)
        }
        section("file", files) { $0 }
        for (name, lists) in [("ipv4-ingress", ipv4Ingress), ("ipv4-egress", ipv4Egress)]
        where !(lists.track.isEmpty && lists.propagate.isEmpty && lists.record.isEmpty) {
            out += "\n[\(name)]\n"
            list("track", lists.track) { "\($0)" }
            list("propagate", lists.propagate) { "\($0)" }
            list("record", lists.record) { "\($0)" }
        }
        section("user", users) { $0.name }
        section("group", groups) { $0.name }
        section("cgroup", cgroups) { String($0) }
        section("secctx", secctx) { $0 }
        if let label = network.label { out += "\n[network]\nlabel=\(label)\n" }
        out += "\n[relay]\nbuff_exp=\(relay.buffExp)\nsubuf_nb=\(relay.subufNb)\n"
        return out
    }
}
