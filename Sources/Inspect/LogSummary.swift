import Provenance

/// Counts what a log holds: nodes and relations per type, machines and
/// boots, and the time span (cf:date and jiffies). Memory use does not grow
/// with the log (only with the number of distinct types and machines).
public struct LogSummary: LogVisitor, Sendable {
    /// Node count per node type word.
    public private(set) var nodeTypes: [UInt64: Int] = [:]
    /// Relation count per relation type word.
    public private(set) var relationTypes: [UInt64: Int] = [:]
    public private(set) var nodes = 0
    public private(set) var relations = 0
    /// Boot ids seen per machine id (packets carry neither).
    public private(set) var boots: [UInt32: Set<UInt32>] = [:]
    /// Earliest and latest `cf:date` (the format sorts as text).
    public private(set) var firstDate: String?
    public private(set) var lastDate: String?
    /// Lowest and highest `cf:jiffies`.
    public private(set) var firstJiffies: UInt64?
    public private(set) var lastJiffies: UInt64?

    private var minDate: [UInt8] = []
    private var maxDate: [UInt8] = []

    public init() {}

    public mutating func visit(_ element: LogElement) {
        let id = element.id
        if element.section.isRelation {
            relations += 1
            relationTypes[id.type, default: 0] += 1
        } else {
            nodes += 1
            nodeTypes[id.type, default: 0] += 1
        }
        if id.isRelation || id.type != GraphTypes.packet {
            if boots[id.machineID]?.contains(id.bootID) != true { boots[id.machineID, default: []].insert(id.bootID) }
        }
        if let date = element.value("cf:date"), let s = JSONText.stringContent(element.line, date), s.span.count > 0 {
            let raw = UnsafeBufferPointer(rebasing: element.line[s.span.start..<s.span.end])
            if minDate.isEmpty || raw.lexicographicallyPrecedes(minDate) { minDate = Array(raw) }
            if maxDate.isEmpty || maxDate.lexicographicallyPrecedes(raw) { maxDate = Array(raw) }
        }
        if let jiffies = element.unsigned("cf:jiffies") ?? element.unsigned("jiffies") {
            firstJiffies = min(firstJiffies ?? jiffies, jiffies)
            lastJiffies = max(lastJiffies ?? jiffies, jiffies)
        }
    }

    /// Freezes the date bounds into strings.
    public mutating func finish() {
        firstDate = minDate.isEmpty ? nil : String(decoding: minDate, as: UTF8.self)
        lastDate = maxDate.isEmpty ? nil : String(decoding: maxDate, as: UTF8.self)
    }

    /// The summary as text: files, totals, machines, time span, counts per
    /// type (largest first), and the invalid lines.
    public func report(files: [LogFileInfo], issues: [LineIssue], totalIssues: Int) -> String {
        var out: [String] = []
        for f in files {
            let format = f.format.map { $0 == .w3c ? "W3C PROV-JSON" : "SPADE JSON" } ?? "no recognisable format"
            out.append("log \(f.path): \(format), \(f.lines) line\(f.lines == 1 ? "" : "s"), \(f.invalidLines) invalid")
        }
        out.append("elements: \(nodes) nodes, \(relations) relations")
        if !boots.isEmpty {
            let machines = boots.keys.sorted().map { m in
                "\(m) (boot \(boots[m, default: []].sorted().map(String.init).joined(separator: ", ")))"
            }
            out.append("machines: " + machines.joined(separator: "; "))
        }
        if let firstDate, let lastDate { out.append("time: \(firstDate) to \(lastDate) (cf:date, UTC)") }
        if let firstJiffies, let lastJiffies { out.append("jiffies: \(firstJiffies) to \(lastJiffies)") }
        out.append(contentsOf: table("nodes by type:", nodeTypes) { NodeType(rawValue: $0).name })
        out.append(contentsOf: table("relations by type:", relationTypes) { RelationType(rawValue: $0).name })
        if totalIssues == 0 {
            out.append("invalid lines: none")
        } else {
            out.append("invalid lines: \(totalIssues)")
            for issue in issues { out.append("  \(issue)") }
            if totalIssues > issues.count { out.append("  … and \(totalIssues - issues.count) more") }
        }
        return out.joined(separator: "\n")
    }

    private func table(_ title: String, _ counts: [UInt64: Int], name: (UInt64) -> String?) -> [String] {
        guard !counts.isEmpty else { return [title + " none"] }
        let rows = counts.map { (name($0.key) ?? "unknown(0x\(String($0.key, radix: 16)))", $0.value) }
            .sorted { ($1.1, $0.0) < ($0.1, $1.0) }
        let width = rows.map(\.0.count).max() ?? 0
        return [title] + rows.map { "  " + $0.0.padding(to: width) + "  " + String($0.1) }
    }
}
