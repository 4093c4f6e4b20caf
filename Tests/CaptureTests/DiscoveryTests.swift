import Foundation
import XCTest
@testable import Capture

final class DiscoveryTests: XCTestCase {
    var dir = ""

    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "camflow-discovery-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: dir)
    }

    func testFindsPerCPUFilesOfBothChannels() throws {
        for name in ["provenance1", "provenance0", "long_provenance1", "long_provenance0", "provenance10",
                     "provenance", "long_provenance", "provenancex", "tracing", "xprovenance0"] {
            FileManager.default.createFile(atPath: dir + "/" + name, contents: nil)
        }
        let files = try RelayDiscovery.discover(root: dir)
        XCTAssertEqual(files.map { ($0.path as NSString).lastPathComponent },
                       ["provenance0", "provenance1", "provenance10", "long_provenance0", "long_provenance1"])
        XCTAssertEqual(files.map(\.cpu), [0, 1, 10, 0, 1])
        XCTAssertEqual(files.first?.channel, .short)
        XCTAssertEqual(files.last?.channel, .long)
    }

    func testNoRelayFilesIsAnError() {
        XCTAssertThrowsError(try RelayDiscovery.discover(root: dir)) { error in
            XCTAssertEqual(error as? RelayDiscoveryError, .noRelayFiles(root: dir))
            XCTAssertEqual("\(error)", "no relay files under \(dir) (has `camflow configure --apply` run?)")
        }
    }

    func testMissingRootIsAnError() {
        XCTAssertThrowsError(try RelayDiscovery.discover(root: dir + "/missing")) { error in
            XCTAssertEqual("\(error)", "cannot list relay directory \(dir)/missing: No such file or directory")
        }
    }

    func testDropCounterReadsTheDroppedFile() throws {
        var count: UInt64 = 42
        let data = Data(bytes: &count, count: 8)
        FileManager.default.createFile(atPath: dir + "/dropped", contents: data)
        XCTAssertEqual(try DropCounter.read(securityFSRoot: dir), 42)
        XCTAssertThrowsError(try DropCounter.read(securityFSRoot: dir + "/missing"))
    }
}
