import Foundation
import XCTest
@testable import Capture
@testable import Provenance

/// Decodes every raw relay dump committed under Tests/Fixtures/kernel/*.bin
/// (captured from the real kernel in the VM): each must frame and decode
/// completely, with no undecodable record and no bytes left over.
final class KernelFixtureTests: XCTestCase {
    static var fixtureDirectory: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Fixtures/kernel")
    }

    func testEveryKernelDumpDecodes() throws {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: Self.fixtureDirectory.path)) ?? []
        let dumps = names.filter { $0.hasSuffix(".bin") }.sorted()
        try XCTSkipIf(dumps.isEmpty, "no kernel fixtures in \(Self.fixtureDirectory.path)")
        for name in dumps {
            let reader = try RelayReader(path: Self.fixtureDirectory.appendingPathComponent(name).path)
            var errors: [DecodeError] = []
            var count = 0
            while try reader.readAvailable(onRecord: { _ in count += 1 }, onError: { errors.append($0) }) > 0 {}
            XCTAssertEqual(errors, [], name)
            XCTAssertEqual(reader.pendingBytes, 0, "\(name): incomplete record at the end")
            XCTAssertGreaterThan(count, 0, name)
        }
    }
}
