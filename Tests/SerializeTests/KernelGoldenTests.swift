import Capture
import CProvenanceABI
import Foundation
import XCTest
@testable import Provenance
@testable import Serialize

/// What the real kernel wrote (Tests/Fixtures/kernel/*.bin, captured in the
/// VM) serialized in both formats:
///
/// - every record of the dumps encodes into valid JSON in both formats (W3C
///   documents without duplicate keys, SPADE lines);
/// - golden files Tests/Fixtures/w3c/kernel.log and spade/kernel.log hold the
///   output for the first record of each distinct (kind, type) in the dumps,
///   one W3C document or SPADE line per record. Set CAMFLOW_UPDATE_GOLDEN=1
///   to rewrite them after a deliberate change (or new kernel fixtures).
final class KernelGoldenTests: XCTestCase {
    static var fixtures: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Fixtures")
    }

    /// Every record of every dump, dumps in name order.
    func kernelRecords() throws -> [Record] {
        let directory = Self.fixtures.appendingPathComponent("kernel")
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasSuffix(".bin") }.sorted()
        XCTAssertFalse(names.isEmpty, "no kernel fixtures in \(directory.path)")
        var records: [Record] = []
        for name in names {
            let reader = try RelayReader(path: directory.appendingPathComponent(name).path)
            var errors: [DecodeError] = []
            while try reader.readAvailable(onRecord: { records.append($0) }, onError: { errors.append($0) }) > 0 {}
            XCTAssertEqual(errors, [], name)
        }
        return records
    }

    /// A name cache holding every path of the dumps.
    func names(_ records: [Record]) -> NameCache {
        let cache = NameCache()
        for r in records {
            if case let .path(p) = r.payload { cache.insert(r.identifier, name: p.bytes) }
        }
        return cache
    }

    /// First record of each distinct (kind, type word), in stream order.
    func representatives(_ records: [Record]) -> [Record] {
        var seen = Set<String>()
        return records.filter { seen.insert("\($0.kind) \($0.typeWord)").inserted }
    }

    func testWholeStreamIsValidInBothFormats() throws {
        let records = try kernelRecords()
        XCTAssertGreaterThan(records.count, 1000)
        let cache = names(records)

        var w3c = W3CBatch(encoder: W3CEncoder(nameCache: cache))
        var documents: [[UInt8]] = []
        for r in records { w3c.add(r) { documents.append($0) } }
        w3c.flush { documents.append($0) }
        XCTAssertEqual(w3c.skipped, 0)
        var elements = 0
        for d in documents {
            let document = try OrderedJSON.parse(d)
            for key in document.keys where key != "prefix" { elements += document[key]?.keys.count ?? 0 }
        }
        XCTAssertEqual(elements, records.count, "every record is one W3C element")

        let spade = SPADE.output(records, names: cache, maxBytes: 64 * 1024)
        let lines = SPADE.lines(spade)
        XCTAssertEqual(lines.count, records.count, "every record is one SPADE line")
        for line in lines { _ = try OrderedJSON.parse(line) }
    }

    func testRepresentativesMatchGoldenFiles() throws {
        let records = try kernelRecords()
        let cache = names(records)
        let chosen = representatives(records)
        XCTAssertTrue(Set(chosen.map(\.kind)).isSuperset(of: [.relation, .task, .proc, .inode, .path, .arg, .machine]))

        var w3c = W3CBatch(encoder: W3CEncoder(nameCache: cache))
        var w3cOutput: [UInt8] = []
        for r in chosen {
            w3c.add(r) { w3cOutput += $0 + [10] }
            w3c.flush { w3cOutput += $0 + [10] }
        }
        let spadeOutput = SPADE.output(chosen, names: cache)

        let update = ProcessInfo.processInfo.environment["CAMFLOW_UPDATE_GOLDEN"] != nil
        for (format, produced) in [("w3c", w3cOutput), ("spade", spadeOutput)] {
            let url = Self.fixtures.appendingPathComponent("\(format)/kernel.log")
            if update {
                try Data(produced).write(to: url)
                continue
            }
            let golden = try [UInt8](Data(contentsOf: url))
            let producedLines = SPADE.lines(produced), goldenLines = SPADE.lines(golden)
            XCTAssertEqual(producedLines.count, goldenLines.count, "\(format): line count differs from \(url.path)")
            for (i, (p, g)) in zip(producedLines, goldenLines).enumerated() where p != g {
                XCTFail("\(format) line \(i + 1) differs from \(url.path):\n\(SPADE.text(p))\n\(SPADE.text(g))")
                break
            }
        }
    }
}
