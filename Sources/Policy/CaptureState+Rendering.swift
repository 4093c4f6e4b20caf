import Provenance

extension CaptureState {
    /// The `camflow ctl -s` text (the reference's layout; see docs/user-guide.md).
    ///
    /// - Parameters:
    ///   - userName: name of a uid (default: the passwd database, else the number).
    ///   - groupName: name of a gid (default: the group database, else the number).
    public func text(userName: (UInt32) -> String = Accounts.userName,
                     groupName: (UInt32) -> String = Accounts.groupName) -> String {
        var out = ""
        func line(_ s: String) { out += s + "\n" }
        func either(_ on: Bool, _ yes: String, _ no: String) { line(on ? yes : no) }
        line("Machine id: \(machineID)")
        line("Policy hash: \(policyHashText)")
        line("Provenance capture:")
        either(enabled, "- capture enabled;", "- capture disabled;")
        either(all, "- all enabled;", "- all disabled;")
        either(written, "- provenance has been captured;", "- provenance was not captured;")
        either(compressNode, "- node compression enabled;", "- node compression disabled;")
        either(compressEdge, "- edge compression enabled;", "- edge compression disabled;")
        either(duplicate, "- duplication enabled;", "- duplication disabled;")
        if let label { either(label, "- packet labelling enabled;", "- packet labelling disabled;") }
        if let trackedObjects { line("- \(trackedObjects) tracked objects;") }
        for target in FilterTarget.all {
            if target.family == nil { line("") }
            let title = (target.propagate ? "Propagate " + target.word : target.word.prefix(1).uppercased() + target.word.dropFirst())
            line("\(title) filter (\(String(bits(target), radix: 16))):")
            for name in typeNames(target) { line(name) }
        }
        line("")
        for (title, entries) in [("IPv4 ingress", ipv4Ingress), ("IPv4 egress", ipv4Egress)] {
            line("\(title) filter (\(entries.count)).")
            for e in entries { line("\(e.key) \(e.word)" + (e.records ? " record" : "")) }
        }
        line("Security context filter (\(secctx.count)).")
        for e in secctx { line("\(e.key) \(e.word)") }
        line("Namespace filter (\(cgroups.count)).")
        for e in cgroups { line("\(e.key) \(e.word)") }
        line("User filter (\(users.count)).")
        for e in users { line("\(userName(e.key)) \(e.word)") }
        line("Group filter (\(groups.count)).")
        for e in groups { line("\(groupName(e.key)) \(e.word)") }
        return out
    }

    /// The state as one JSON object (keys in a fixed order, ASCII-safe
    /// escaping), ending with a newline.
    public func json(userName: (UInt32) -> String = Accounts.userName,
                     groupName: (UInt32) -> String = Accounts.groupName) -> String {
        var fields: [String] = []
        func field(_ key: String, _ value: String) { fields.append("\"\(key)\":\(value)") }
        field("machine_id", String(machineID))
        field("boot_id", String(bootID))
        field("version", jsonString(version))
        field("policy_hash", jsonString(policyHashHex))
        field("enabled", String(enabled))
        field("all", String(all))
        field("written", String(written))
        field("should_version", String(shouldVersion))
        field("compress_node", String(compressNode))
        field("compress_edge", String(compressEdge))
        field("duplicate", String(duplicate))
        field("label", label.map { String($0) } ?? "null")
        field("dropped", String(dropped))
        field("tracked_objects", trackedObjects.map { String($0) } ?? "null")
        let filterObjects = FilterTarget.all.map { target -> String in
            let names = typeNames(target).map(jsonString).joined(separator: ",")
            return "\"\(target.fileName)\":{\"bitmap\":\"\(String(bits(target), radix: 16))\",\"types\":[\(names)]}"
        }
        field("filters", "{" + filterObjects.joined(separator: ",") + "}")
        func entries<K>(_ list: [TargetEntry<K>], _ render: (TargetEntry<K>) -> String) -> String {
            "[" + list.map { "{" + render($0) + ",\"op\":\(jsonString($0.word))}" }.joined(separator: ",") + "]"
        }
        for (key, list) in [("ipv4_ingress", ipv4Ingress), ("ipv4_egress", ipv4Egress)] {
            field(key, entries(list) { e in
                "\"address\":\(jsonString("\(e.key)"))," + "\"record\":\(e.records)"
            })
        }
        field("secctx", entries(secctx) { "\"context\":\(jsonString($0.key))" })
        field("cgroups", entries(cgroups) { "\"cgroupns\":\($0.key)" })
        field("users", entries(users) { "\"uid\":\($0.key),\"name\":\(jsonString(userName($0.key)))" })
        field("groups", entries(groups) { "\"gid\":\($0.key),\"name\":\(jsonString(groupName($0.key)))" })
        return "{" + fields.joined(separator: ",") + "}\n"
    }

    /// The state as a `/etc/camflow.ini` that `camflow configure` accepts
    /// (the `camflow ctl -c` output): ASCII section names, `duplicate=true`,
    /// every named filter type (long node types included), `opaque=` keys,
    /// no duplicated block. Unnamed filter bits are written as comments.
    /// `[file]` and `[relay]` cannot be read back and are not written;
    /// `[network]` is written when the kernel has packet labelling.
    public func ini(userName: (UInt32) -> String = Accounts.userName,
                    groupName: (UInt32) -> String = Accounts.groupName) -> String {
        var out = ";Auto-generated configuration\n[provenance]\nmachine_id=0\n"
        out += "enabled=\(enabled)\nall=\(all)\n"
        let order: [(FilterTarget, String)] = [(FilterTarget(family: nil, propagate: false), "node_filter")]
            + FilterTarget.filterableFamilies.map { (FilterTarget(family: $0, propagate: false), "relation_filter") }
            + [(FilterTarget(family: nil, propagate: true), "propagate_node_filter")]
            + FilterTarget.filterableFamilies.map { (FilterTarget(family: $0, propagate: true), "propagate_relation_filter") }
        for (target, key) in order {
            for name in typeNames(target) {
                out += name.hasPrefix("0x") ? ";\(key): unnamed bit \(name) of \(target.fileName)\n" : "\(key)=\(name)\n"
            }
        }
        out += "\n[compression]\nversion=\(shouldVersion)\nnode=\(compressNode)\nedge=\(compressEdge)\nduplicate=\(duplicate)\n"
        func section<K>(_ name: String, _ list: [TargetEntry<K>], _ value: (K) -> String) {
            guard !list.isEmpty else { return }
            out += "\n[\(name)]\n"
            for e in list {
                let word = e.records && e.word == "track" ? "record" : e.word
                guard !word.isEmpty else {
                    out += ";\(value(e.key)): entry with op 0x\(String(e.op, radix: 16))\n"
                    continue
                }
                out += "\(word)=\(value(e.key))\n"
                if e.records && word == "propagate" { out += "record=\(value(e.key))\n" }
            }
        }
        section("ipv4-ingress", ipv4Ingress) { "\($0)" }
        section("ipv4-egress", ipv4Egress) { "\($0)" }
        section("user", users, userName)
        section("group", groups, groupName)
        section("cgroup", cgroups) { String($0) }
        section("secctx", secctx) { $0 }
        if let label { out += "\n[network]\nlabel=\(label)\n" }
        return out
    }
}

/// A JSON string literal: quotes, backslashes and control characters escaped.
func jsonString(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        default:
            if scalar.value < 0x20 {
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
    }
    return out + "\""
}
