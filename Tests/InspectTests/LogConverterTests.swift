import Foundation
@testable import Inspect
import Provenance
import Testing

/// Conversion between W3C PROV-JSON and SPADE JSON, checked against logs
/// written independently in each layout (make_logs.py) and by round trips
/// through a log recorded in the VM.
@Suite struct LogConverterTests {
    func convert(_ paths: [String], to format: LogFormat) throws -> String {
        let out = NSTemporaryDirectory() + "inspect-convert-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: out) }
        let file = try OutputFile(path: out)
        var converter = LogConverter(target: format, output: file)
        _ = try LogScanner.scan(paths, into: &converter) { Issue.record("invalid line \($0)") }
        try converter.finish()
        return try String(contentsOfFile: out, encoding: .utf8)
    }

    /// Element key -> attributes as written (order kept), from a W3C text.
    func w3cElements(_ text: String) throws -> [String: [String]] {
        var result: [String: [String]] = [:]
        for line in text.split(separator: "\n") {
            let (elements, problems) = parse(String(line), format: .w3c)
            #expect(problems.isEmpty, "\(problems)")
            for e in elements {
                result["\(e.section) \(e.id.base64)", default: []].append(canonical(e))
            }
        }
        return result
    }

    func canonical(_ e: ElementRecorder.Seen) -> String {
        e.attributes.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
    }

    func lines(_ text: String) -> [String] { text.split(separator: "\n").map(String.init).sorted() }

    @Test func w3cToSpadeGivesTheReferenceLayout() throws {
        let converted = try convert([Fixtures.path("pipeline.w3c.log")], to: .spade)
        let expected = try String(contentsOfFile: Fixtures.path("pipeline.spade.log"), encoding: .utf8)
        #expect(lines(converted) == lines(expected))
        #expect(converted.hasSuffix("}}\n"))
    }

    @Test func spadeToW3CGivesTheSameElements() throws {
        let converted = try convert([Fixtures.path("pipeline.spade.log")], to: .w3c)
        let expected = try String(contentsOfFile: Fixtures.path("pipeline.w3c.log"), encoding: .utf8)
        #expect(try w3cElements(converted) == (try w3cElements(expected)))
        #expect(converted.hasPrefix(#"{"prefix":{"prov" : "http://www.w3.org/ns/prov", "cf":"http://www.camflow.org"}, "activity":{"#))
    }

    @Test func recordedLogSurvivesW3CToSpadeToW3C() throws {
        let original = try String(contentsOfFile: Fixtures.path("vm-demo.w3c.log"), encoding: .utf8)
        let spadePath = NSTemporaryDirectory() + "inspect-rt-\(UUID().uuidString).spade"
        defer { try? FileManager.default.removeItem(atPath: spadePath) }
        let spade = try convert([Fixtures.path("vm-demo.w3c.log")], to: .spade)
        try spade.write(toFile: spadePath, atomically: false, encoding: .utf8)
        let back = try convert([spadePath], to: .w3c)
        let before = try w3cElements(original), after = try w3cElements(back)
        #expect(before.count > 100)
        #expect(before == after)
        // and the SPADE lines are SPADE: one object per line, edges from the receiver
        let (elements, problems) = parse(spade.trimmingCharacters(in: .newlines), format: .spade)
        #expect(problems.isEmpty)
        #expect(elements.count == before.values.reduce(0) { $0 + $1.count })
    }

    @Test func recordedSpadeSurvivesSpadeToW3CToSpade() throws {
        // every vertex and edge type the recorder wrote in the VM, byte for byte
        let original = try String(contentsOfFile: Fixtures.path("vm-kinds.spade.log"), encoding: .utf8)
        let w3cPath = NSTemporaryDirectory() + "inspect-rt-\(UUID().uuidString).w3c"
        defer { try? FileManager.default.removeItem(atPath: w3cPath) }
        let w3c = try convert([Fixtures.path("vm-kinds.spade.log")], to: .w3c)
        try w3c.write(toFile: w3cPath, atomically: false, encoding: .utf8)
        #expect(w3c.contains(#""prov:label":"[path] "#) && w3c.contains(#""prov:label":"[task] "#))
        let back = try convert([w3cPath], to: .spade)
        #expect(lines(back) == lines(original))
        #expect(lines(original).count > 100)
    }

    @Test func w3cDocumentsNeverRepeatAKeyAndStayBounded() throws {
        var writer = W3CDocumentWriter(maxBytes: 300)
        let id = Identifier(node: NodeType(name: "file")!.rawValue, id: 1, bootID: 1, machineID: 1, version: 0)
        let none = writer.add(.entity, id: id, members: Array(#""cf:id":"1""#.utf8))
        #expect(none == nil)
        let repeated = writer.add(.entity, id: id, members: Array(#""cf:id":"1""#.utf8))
        let first = try #require(repeated)
        #expect(String(decoding: first, as: UTF8.self).components(separatedBy: id.base64).count == 2)
        let pending = writer.take()
        let second = try #require(pending)
        #expect(String(decoding: second, as: UTF8.self).hasSuffix("}}}\n"))
        let empty = writer.take()
        #expect(empty == nil)
    }
}
