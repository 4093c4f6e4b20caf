import Ini
import TestSupport
import XCTest
@testable import Policy

/// `[network] label` (in-band packet labels): parsed with the boolean
/// spellings of the other keys, written to securityfs `label` last, named
/// by its ini line when the kernel has no `label` file, and read back into
/// the capture state.
final class PacketLabelPolicyTests: XCTestCase {
    var tree: FakeSecurityFS!
    var etc: TempDir!

    override func setUpWithError() throws {
        tree = try FakeSecurityFS()
        etc = try TempDir("camflow-etc")
    }

    func load(_ text: String) -> LoadedCaptureConfiguration {
        CaptureConfiguration.parse(IniFile(path: "/etc/camflow.ini", contents: Array(text.utf8)))
    }

    func apply(_ text: String) throws -> ApplyReport {
        let loaded = load(text)
        XCTAssertEqual(loaded.problems, [])
        let applier = PolicyApplier(securityFS: tree.fs,
                                    identityFiles: IdentityFiles(machineIDPath: etc.path + "/m", bootIDPath: etc.path + "/b"))
        return try applier.apply(loaded.configuration)
    }

    func testEveryBooleanSpellingIsAccepted() {
        for (word, value) in [("true", true), ("false", false), ("1", true), ("0", false), ("yes", true), ("no", false),
                              ("on", true), ("off", false), ("TRUE", true)] {
            let loaded = load("[network]\nlabel=\(word)\n")
            XCTAssertEqual(loaded.problems, [], word)
            XCTAssertEqual(loaded.configuration.network.label, value, word)
            XCTAssertEqual(loaded.configuration.scalarOrigins["network.label"]?.line, 2, word)
        }
        XCTAssertNil(load("[provenance]\nenabled=true\n").configuration.network.label, "absent: left alone")
        XCTAssertEqual(load("[network]\nlabel=true\n").warnings, [], "a known key")
    }

    func testBadValueNamesFileLineAndKey() {
        for word in ["maybe", "", "2", "truee"] {
            let loaded = load("[provenance]\nenabled=true\n[network]\nlabel=\(word)\n")
            XCTAssertEqual(loaded.problems.map(\.description),
                           ["/etc/camflow.ini:4: [network] label=\(word): not a boolean (true or false)"], word)
            XCTAssertNil(loaded.configuration.network.label)
        }
    }

    func testNormalizedIniReadsBackToTheSamePolicy() {
        for text in ["[network]\nlabel=true\n", "[network]\nlabel=false\n", "[provenance]\nall=true\n"] {
            let first = load(text).configuration
            let again = load(first.iniText).configuration
            XCTAssertEqual(again.network, first.network, text)
        }
        XCTAssertTrue(load("[network]\nlabel=true\n").configuration.iniText.contains("\n[network]\nlabel=true\n"))
        XCTAssertFalse(load("[provenance]\nall=true\n").configuration.iniText.contains("[network]"))
    }

    func testLabelIsTheLastStepWithItsOrigin() throws {
        let steps = load("[network]\nlabel=true\n[provenance]\nenabled=true\n").configuration.steps
        XCTAssertEqual(steps.map(\.action), [.flag(.enable, true), .flag(.all, false), .flag(.label, true)])
        XCTAssertEqual(steps.last?.description, "/etc/camflow.ini:2: [network] label=true")
        XCTAssertFalse(load("[provenance]\nenabled=true\n").configuration.steps.contains { $0.action == .flag(.label, false) })
    }

    func testApplyWritesTheLabelFile() throws {
        var report = try apply("[network]\nlabel=true\n")
        XCTAssertEqual(report.failures, [])
        XCTAssertEqual(report.label, true)
        XCTAssertEqual(tree.bytes("label"), Array("1\n".utf8))
        tree.put("label", [])
        report = try apply("[network]\nlabel=off\n")
        XCTAssertEqual(report.failures, [])
        XCTAssertEqual(tree.bytes("label"), Array("0\n".utf8))
        tree.put("label", [])
        report = try apply("[provenance]\nenabled=true\n")
        XCTAssertNil(report.label)
        XCTAssertEqual(tree.bytes("label"), [], "absent key: nothing written")
    }

    func testKernelWithoutLabelFile() throws {
        try tree.remove("label")
        let labelPath = tree.root + "/label"
        var report = try apply("[provenance]\nenabled=true\n[network]\nlabel=true\n")
        XCTAssertEqual(report.failures, [PolicyFailure(
            subject: "/etc/camflow.ini:4: [network] label=true",
            reason: "this kernel has no packet labelling (\(labelPath) is missing)")])
        XCTAssertEqual(tree.bytes("enable"), Array("1\n".utf8), "the other settings are still applied")
        XCTAssertFalse(FileManager.default.fileExists(atPath: labelPath), "no file created")

        report = try apply("[network]\nlabel=false\n")
        XCTAssertEqual(report.failures, [])
        XCTAssertEqual(report.warnings, [
            "/etc/camflow.ini:2: [network] label=false: this kernel has no packet labelling (\(labelPath) is missing); nothing to turn off",
        ])
    }

    func testKernelRefusalOfTheLabelWriteIsReported() throws {
        try tree.remove("label")
        try FileManager.default.createDirectory(atPath: tree.root + "/label", withIntermediateDirectories: false)
        let report = try apply("[network]\nlabel=true\n")
        XCTAssertEqual(report.failures.map(\.subject), ["/etc/camflow.ini:2: [network] label=true"])
        XCTAssertTrue(report.failures.first?.reason.contains(tree.root + "/label") ?? false, "\(report.failures)")
    }

    func testCaptureStateShowsLabelling() throws {
        tree.fillState(label: true)
        var state = try CaptureState.read(from: tree.fs)
        XCTAssertEqual(state.label, true)
        XCTAssertTrue(state.text().contains("- duplication disabled;\n- packet labelling enabled;\n"), state.text())
        XCTAssertTrue(state.json().contains("\"duplicate\":false,\"label\":true,"), state.json())
        XCTAssertTrue(state.ini().hasSuffix("\n[network]\nlabel=true\n"), state.ini())
        XCTAssertEqual(load(state.ini()).configuration.network.label, true, "ctl -c output reads back")

        tree.fillState(label: false)
        state = try CaptureState.read(from: tree.fs)
        XCTAssertTrue(state.text().contains("- duplication disabled;\n- packet labelling disabled;\n"), state.text())
        XCTAssertTrue(state.ini().hasSuffix("\n[network]\nlabel=false\n"), state.ini())

        tree.fillState(label: nil)
        state = try CaptureState.read(from: tree.fs)
        XCTAssertNil(state.label)
        XCTAssertFalse(state.text().contains("labelling"), state.text())
        XCTAssertTrue(state.json().contains("\"label\":null,"), state.json())
        XCTAssertFalse(state.ini().contains("[network]"), state.ini())

        tree.fillState()
        tree.put("label", "x\n")
        XCTAssertThrowsError(try CaptureState.read(from: tree.fs)) { error in
            XCTAssertEqual("\(error)", "cannot read \(self.tree.root)/label: not a boolean")
        }
    }
}
