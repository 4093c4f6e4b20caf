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
        struct Frame { var children: [(object: Int, relations: [String])]; var next: Int; var prefix: String }
        for root in view.roots {
            write(view.label(root))
            expanded[root] = true
            var stack = [Frame(children: visibleChildren(view, root), next: 0, prefix: "")]
            while !stack.isEmpty {
                let top = stack.count - 1
                guard stack[top].next < stack[top].children.count else {
                    stack.removeLast()
                    continue
                }
                let (child, relations) = stack[top].children[stack[top].next]
                stack[top].next += 1
                let last = stack[top].next == stack[top].children.count
                let prefix = stack[top].prefix
                let level = stack.count
                let line = prefix + (last ? "└── " : "├── ") + (level > indentLimit ? "[level \(level)] " : "")
                    + relations.joined(separator: ", ") + " " + arrow + " " + view.label(child)
                if expanded[child] {
                    write(line + " (shown above)")
                    continue
                }
                expanded[child] = true
                let grandchildren = visibleChildren(view, child)
                if let maxDepth, stack.count >= maxDepth, !grandchildren.isEmpty {
                    write(line + " (… \(grandchildren.count) more below the depth limit)")
                    continue
                }
                write(line)
                let indent = level < indentLimit ? prefix + (last ? "    " : "│   ") : prefix
                stack.append(Frame(children: grandchildren, next: 0, prefix: indent))
            }
        }
    }

    private static func visibleChildren(_ view: LineageView, _ o: Int) -> [(object: Int, relations: [String])] {
        view.children(of: o).filter { !view.isFolded($0.object) }
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
            byMachine[view.spansMachines && object.key.packet == nil ? object.key.machine : nil, default: []].append(o)
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
