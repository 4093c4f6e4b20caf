import Foundation
@testable import Inspect
import Provenance
import Testing

/// Paths of the fixture logs and helpers to read them in tests.
enum Fixtures {
    static let directory: String = {
        let here = URL(fileURLWithPath: #filePath)
        return here.deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/logs").path
    }()

    static func path(_ name: String) -> String { directory + "/" + name }
}

/// Collects every element of a log (decoded to plain values, for assertions).
struct ElementRecorder: LogVisitor {
    struct Seen: Equatable {
        var format: LogFormat
        var section: Section
        var id: Identifier
        var sender: Identifier
        var receiver: Identifier
        var attributes: [String: String]
    }
    var seen: [Seen] = []

    mutating func visit(_ element: LogElement) {
        var attributes: [String: String] = [:]
        for a in element.attributes { attributes[element.keyText(a)] = element.raw(a.value) }
        seen.append(Seen(format: element.format, section: element.section, id: element.id,
                         sender: element.sender, receiver: element.receiver, attributes: attributes))
    }
}

/// Parses `text` (one or more lines) and returns the elements or the first problem.
func parse(_ text: String, format: LogFormat? = nil) -> (elements: [ElementRecorder.Seen], problems: [LineProblem]) {
    var parser = LogLineParser(format: format)
    var recorder = ElementRecorder()
    var problems: [LineProblem] = []
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
        let bytes = Array(line.utf8)
        bytes.withUnsafeBufferPointer { buffer in
            do throws(LineProblem) {
                try parser.parse(buffer, into: &recorder)
            } catch {
                problems.append(error)
            }
        }
    }
    return (recorder.seen, problems)
}

/// Scans log files into a finished graph.
func loadGraph(_ paths: [String]) throws -> ProvGraph {
    var builder = GraphBuilder()
    _ = try LogScanner.scan(paths, into: &builder) { issue in
        Issue.record("unexpected invalid line \(issue)")
    }
    var graph = builder.graph
    graph.finish()
    return graph
}
