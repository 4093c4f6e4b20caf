import Glibc
import Inspect

/// The log modes of `camflow inspect`: summary, conversion, lineage.
extension InspectCommand {
    /// Invalid lines kept for the summary listing (the count is always exact).
    static let listedIssues = 1000
    /// Invalid lines reported one by one as warnings by the other modes.
    static let warnedIssues = 20

    /// Streams the logs through `visitor`, keeping the first invalid lines
    /// and counting all of them. Fails on a log that cannot be read.
    private func scan<V: LogVisitor>(_ visitor: inout V) -> (files: [LogFileInfo], invalid: Int, issues: [LineIssue]) {
        var invalid = 0
        var issues: [LineIssue] = []
        do {
            let files = try LogScanner.scan(logs, into: &visitor) { issue in
                invalid += 1
                if issues.count < Self.listedIssues { issues.append(issue) }
            }
            return (files, invalid, issues)
        } catch {
            fail("\(error)")
        }
    }

    /// Summary: counts per type, machines, time span, invalid lines.
    func runSummary() {
        var summary = LogSummary()
        let (files, invalid, issues) = scan(&summary)
        summary.finish()
        print(summary.report(files: files, issues: issues, totalIssues: invalid))
        for f in files where f.format == nil && f.lines > 0 && f.invalidLines == 0 {
            fail("\(f.path): no W3C PROV-JSON or SPADE JSON element found")
        }
        if invalid > 0 { fail(invalidLines(invalid, files: files)) }
    }

    /// Conversion to `--to` into `--output` or standard output.
    func runConvert(_ format: String) {
        let target: LogFormat
        switch format {
        case "w3c": target = .w3c
        case "spade", "spade_json": target = .spade
        default: fail("--to \(format): expected w3c, spade or spade_json")
        }
        let destination = output ?? "-"
        if destination != "-" {
            for log in logs where sameFile(log, destination) {
                fail("--output \(destination) is also an input log; write to another file")
            }
        }
        let file: OutputFile
        do { file = try OutputFile(path: destination) } catch { fail("--output: \(error)") }
        var converter = LogConverter(target: target, output: file)
        let (files, invalid, issues) = scan(&converter)
        do { try converter.finish() } catch { fail("\(error)") }
        warn(issues)
        if invalid > 0 { fail(invalidLines(invalid, files: files) + " (skipped in the output)") }
    }

    /// Lineage: the tree on standard output, optionally a DOT file.
    func runLineage(_ text: String, direction: LineageDirection, flag: String) {
        let target: LineageTarget
        do { target = try LineageTarget.parse(text, allVersions: allVersions) } catch { fail("\(flag) \(error)") }
        if case .path = target, allVersions { fail("--all-versions applies to an ID; a PATH always matches every version") }
        // open the DOT file first: a bad path fails before the logs are read
        var dotFile: OutputFile?
        if let dot {
            do { dotFile = try OutputFile(path: dot) } catch { fail("--dot: \(error)") }
        }
        var builder = GraphBuilder()
        let (files, invalid, issues) = scan(&builder)
        var graph = builder.graph
        builder = GraphBuilder()
        graph.finish()
        warn(issues)
        let lineage: Lineage
        do { lineage = try Lineage(graph: graph, target: target, direction: direction) } catch {
            fail("\(flag): \(error) (\(logs.joined(separator: ", ")))")
        }
        graph.releaseLookups()
        let view = LineageView(graph: graph, lineage: lineage)
        let word = direction == .ancestors ? "ancestors" : "descendants"
        let shown = view.objects.indices.filter { !view.isFolded($0) }.count - view.roots.count
        let heading = "\(word) of \(text): \(shown) objects (\(lineage.reached.count) node versions) in \(graph.nodeCount) nodes, \(graph.edgeCount) relations"
        let out: OutputFile
        do { out = try OutputFile(path: "-") } catch { fail("\(error)") }
        do {
            var failure: OutputError?
            LineageRendering.tree(view, heading: heading, maxDepth: depth) { line in
                guard failure == nil else { return }
                do throws(OutputError) { try out.write(line + "\n") } catch { failure = error }
            }
            if let failure { throw failure }
            try out.flush()
        } catch {
            fail("\(error)")
        }
        if let file = dotFile {
            do {
                try file.write(LineageRendering.dot(view, title: "\(word) of \(text)"))
                try file.flush()
            } catch {
                fail("--dot: \(error)")
            }
        }
        if invalid > 0 { fail(invalidLines(invalid, files: files) + " (skipped)") }
    }

    private func warn(_ issues: [LineIssue]) {
        for issue in issues.prefix(Self.warnedIssues) { log.warning("invalid line \(issue)") }
    }

    private func invalidLines(_ count: Int, files: [LogFileInfo]) -> String {
        let affected = files.filter { $0.invalidLines > 0 }
        let places = affected.count == 1 ? affected[0].path
            : affected.map { "\($0.path) (\($0.invalidLines))" }.joined(separator: ", ")
        return "\(count) invalid line\(count == 1 ? "" : "s") in \(places)"
    }

    private func sameFile(_ a: String, _ b: String) -> Bool {
        var sa = stat(), sb = stat()
        guard stat(a, &sa) == 0, stat(b, &sb) == 0 else { return false }
        return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino
    }
}
