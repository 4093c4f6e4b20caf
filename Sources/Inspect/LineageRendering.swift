/// Text and Graphviz renderings of a `LineageView`.
public enum LineageRendering {
    /// Levels indented; deeper levels keep the indentation and say their level.
    public static let indentLimit = 40

    /// Writes the lineage as an indented tree, one object per line, through
    /// `write` (one call per line, no newline). Each object is expanded
    /// once; later occurrences say `(shown above)`. `maxDepth` limits the
    /// levels below the roots. Past `indentLimit` levels the indentation
    /// stops growing and each line says its level, so that a long chain
    /// prints in linear size.
    public static func tree(_ view: LineageView, heading: String, maxDepth: Int? = nil,
                            write: (String) -> Void)
    {
        let arrow = view.direction == .ancestors ? "←" : "→"
        write(heading)
        var expanded = [Bool](repeating: false, count: view.objects.count)
        struct Frame { var entries: [Entry]; var next: Int; var prefix: String }
        for root in view.roots {
            write(view.label(root))
            expanded[root] = true
            var stack = [Frame(entries: entries(view, root), next: 0, prefix: "")]
            while !stack.isEmpty {
                let top = stack.count - 1
                guard stack[top].next < stack[top].entries.count else {
                    stack.removeLast()
                    continue
                }
                let entry = stack[top].entries[stack[top].next]
                stack[top].next += 1
                let last = stack[top].next == stack[top].entries.count
                let prefix = stack[top].prefix
                let level = stack.count
                let start = prefix + (last ? "└── " : "├── ") + (level > indentLimit ? "[level \(level)] " : "")
                    + entry.relations.joined(separator: ", ") + " " + arrow + " "
                if entry.objects.count > 1 {
                    for o in entry.objects { expanded[o] = true }
                    write(start + groupLabel(view, entry.objects))
                    continue
                }
                let child = entry.objects[0]
                let line = start + view.label(child)
                if expanded[child] {
                    write(line + " (shown above)")
                    continue
                }
                expanded[child] = true
                let grandchildren = entries(view, child)
                if let maxDepth, stack.count >= maxDepth, !grandchildren.isEmpty {
                    let hidden = grandchildren.reduce(0) { $0 + $1.objects.count }
                    write(line + " (… \(hidden) more below the depth limit)")
                    continue
                }
                write(line)
                let indent = level < indentLimit ? prefix + (last ? "    " : "│   ") : prefix
                stack.append(Frame(entries: grandchildren, next: 0, prefix: indent))
            }
        }
    }

    /// One line of the tree: a child, or several unnamed childless objects
    /// of one type reached through the same relations.
    private struct Entry {
        var objects: [Int]
        var relations: [String]
    }

    /// The children of `o` in tree order, without folded objects (arguments,
    /// environment), with unnamed leaves of the same type and relations
    /// grouped into one entry.
    private static func entries(_ view: LineageView, _ o: Int) -> [Entry] {
        var result: [Entry] = []
        var groupOf: [String: Int] = [:]
        for (child, relations) in view.children(of: o) where !view.isFolded(child) {
            let object = view.objects[child]
            let leaf = object.names.isEmpty && object.processID == 0 && !object.isTarget
                && !view.children(of: child).contains { !view.isFolded($0.object) }
            guard leaf else {
                result.append(Entry(objects: [child], relations: relations))
                continue
            }
            let key = object.typeName + "|" + relations.joined(separator: ",")
            if let g = groupOf[key] {
                result[g].objects.append(child)
            } else {
                groupOf[key] = result.count
                result.append(Entry(objects: [child], relations: relations))
            }
        }
        return result
    }

    /// `35 directory objects (id 80, 85, 93, 112, 130, …)`.
    private static func groupLabel(_ view: LineageView, _ objects: [Int]) -> String {
        let ids = objects.prefix(5).map { String(view.objects[$0].key.id) }.joined(separator: ", ")
        let type = view.objects[objects[0]].typeName
        return "\(objects.count) \(type) objects without name (id \(ids)\(objects.count > 5 ? ", …" : ""))"
    }

    /// The lineage as a Graphviz `digraph`: one node per object (activities
    /// as boxes, entities as ellipses, agents as houses, the query's targets
    /// filled), edges in the direction of information flow labelled with the
    /// relation types, and one cluster per machine when there are several.
    public static func dot(_ view: LineageView, title: String) -> String {
        var out = "digraph lineage {\n"
        out += "  label=\(dotString(title));\n  labelloc=t;\n  rankdir=LR;\n"
        out += "  node [fontname=\"Helvetica\", fontsize=10];\n  edge [fontname=\"Helvetica\", fontsize=9];\n"
        var byMachine: [UInt32?: [Int]] = [:]
        for o in view.objects.indices where !view.isFolded(o) {
            let object = view.objects[o]
            byMachine[view.spansMachines && !object.key.isPacket ? object.key.machine : nil, default: []].append(o)
        }
        func node(_ o: Int, indent: String) -> String {
            let object = view.objects[o]
            let shape: String
            switch object.nodeClass {
            case .activity: shape = "box"
            case .agent: shape = "house"
            case .entity: shape = "ellipse"
            }
            var attributes = "label=\(dotString(view.label(o))), shape=\(shape)"
            if object.isTarget { attributes += ", style=\"filled,bold\", fillcolor=\"#ffe08a\"" }
            return "\(indent)o\(o) [\(attributes)];\n"
        }
        for machine in byMachine.keys.sorted(by: { ($0 ?? 0, $0 == nil ? 0 : 1) < ($1 ?? 0, $1 == nil ? 0 : 1) }) {
            let members = byMachine[machine] ?? []
            if let machine {
                out += "  subgraph cluster_m\(machine) {\n    label=\(dotString("machine \(machine)"));\n"
                for o in members { out += node(o, indent: "    ") }
                out += "  }\n"
            } else {
                for o in members { out += node(o, indent: "  ") }
            }
        }
        for link in view.links where !view.isFolded(link.sender) && !view.isFolded(link.receiver) {
            out += "  o\(link.sender) -> o\(link.receiver) [label=\(dotString(link.relations.joined(separator: ", ")))];\n"
        }
        out += "}\n"
        return out
    }

    /// A DOT double-quoted string.
    static func dotString(_ text: String) -> String {
        var out = "\""
        for c in text.unicodeScalars {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": break
            default: out.unicodeScalars.append(c)
            }
        }
        return out + "\""
    }
}
