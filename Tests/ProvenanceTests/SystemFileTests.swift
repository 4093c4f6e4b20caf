import Foundation
import XCTest
@testable import Provenance

final class SystemFileTests: XCTestCase {
    var dir: String = ""

    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "camflow-sysfile-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: dir)
    }

    func testReadValueNamesPathAndSizeOnShortFile() throws {
        let path = dir + "/short"
        try SystemFile.replace(path, with: [1, 2])
        XCTAssertThrowsError(try SystemFile.readValue(UInt32.self, from: path)) { error in
            XCTAssertEqual("\(error)", "cannot read \(path): expected 4 bytes, got 2")
        }
    }

    func testWriteDoesNotCreateMissingFiles() {
        let path = dir + "/missing"
        XCTAssertThrowsError(try SystemFile.write([1], to: path)) { error in
            XCTAssertEqual("\(error)", "cannot open \(path): No such file or directory")
        }
        XCTAssertFalse(SystemFile.exists(path))
    }

    func testReplaceThenReadRoundTrips() throws {
        let path = dir + "/value"
        try SystemFile.replace(path, with: [0x78, 0x56, 0x34, 0x12])
        XCTAssertEqual(try SystemFile.readValue(UInt32.self, from: path), 0x1234_5678)
        try SystemFile.write([0xFF], to: path)  // no truncation: first byte replaced
        XCTAssertEqual(try SystemFile.read(path), [0xFF, 0x56, 0x34, 0x12])
    }
}
