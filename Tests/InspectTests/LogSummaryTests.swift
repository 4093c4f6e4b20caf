@testable import Inspect
import Provenance
import Testing

/// Summaries of the hand-made logs (contents known by construction, see
/// Tests/Fixtures/logs/make_logs.py) and of a log recorded in the VM.
@Suite struct LogSummaryTests {
    func summarize(_ names: [String]) throws -> (LogSummary, [LogFileInfo], [LineIssue]) {
        var summary = LogSummary()
        var issues: [LineIssue] = []
        let files = try LogScanner.scan(names.map(Fixtures.path), into: &summary) { issues.append($0) }
        summary.finish()
        return (summary, files, issues)
    }

    func count(_ table: [UInt64: Int], node name: String) -> Int { table[NodeType(name: name)!.rawValue] ?? 0 }
    func count(_ table: [UInt64: Int], relation name: String) -> Int { table[RelationType(name: name)!.rawValue] ?? 0 }

    @Test func countsPerTypeAndTimeSpanAreTheSameInBothFormats() throws {
        for name in ["pipeline.w3c.log", "pipeline.spade.log"] {
            let (s, files, issues) = try summarize([name])
            #expect(issues.isEmpty)
            #expect(files.first?.format == (name.contains("w3c") ? .w3c : .spade))
            #expect(s.nodes == 30 && s.relations == 29, "\(name)")
            #expect(count(s.nodeTypes, node: "task") == 7)
            #expect(count(s.nodeTypes, node: "file") == 6)
            #expect(count(s.nodeTypes, node: "argv") == 5)
            #expect(count(s.relationTypes, relation: "named") == 3)
            #expect(count(s.relationTypes, relation: "write") == 4)
            #expect(s.firstDate == "2026:11:30T09:59:58" && s.lastDate == "2026:11:30T10:00:01")
            #expect(s.boots == [2_887_429_013: [3]])
        }
    }

    @Test func invalidLinesAreListedWithTheirNumbers() throws {
        let (s, files, issues) = try summarize(["invalid.w3c.log"])
        #expect(issues.map(\.line) == [2, 3, 5, 6, 7, 8])
        #expect(files.first?.invalidLines == 6 && files.first?.lines == 8)
        // the valid first line still counts
        #expect(s.nodes + s.relations > 0)
        let report = s.report(files: files, issues: issues, totalIssues: issues.count)
        #expect(report.contains("invalid.w3c.log:3: column 23: used relation"), "\(report)")
        #expect(report.contains("invalid lines: 6"))
    }

    @Test func realVMLogSummary() throws {
        let (s, files, issues) = try summarize(["vm-demo.w3c.log"])
        #expect(issues.isEmpty && files.first?.format == .w3c)
        #expect(count(s.nodeTypes, node: "task") > 0 && count(s.relationTypes, relation: "write") > 0)
        #expect(s.boots.count == 1, "one machine")
        let (first, last) = (try #require(s.firstJiffies), try #require(s.lastJiffies))
        #expect(first < last)
    }

    @Test func twoMachinesInTwoFormats() throws {
        let (s, files, _) = try summarize(["machine-a.w3c.log", "machine-b.spade.log"])
        #expect(files.map(\.format) == [.w3c, .spade])
        #expect(Set(s.boots.keys) == [101, 202])
        #expect(count(s.nodeTypes, node: "packet") == 2, "the packet is in both logs")
    }
}
