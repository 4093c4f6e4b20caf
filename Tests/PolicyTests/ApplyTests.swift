import CProvenanceABI
import TestSupport
import XCTest
@testable import Policy
@testable import Provenance

/// Applying a policy to a temporary directory of regular files standing in for securityfs.
final class ApplyTests: XCTestCase {
    var sec: TempDir!
    var etc: TempDir!

    override func setUpWithError() throws {
        sec = try TempDir("camflow-securityfs")
        etc = try TempDir("camflow-etc")
        for name in ["enable", "all", "relay_conf", "self", "flush", "epoch"] { _ = sec.file(name) }
        _ = sec.file("boot_id", [0, 0, 0, 0])
        _ = sec.file("machine_id", [0, 0, 0, 0])
    }

    var applier: PolicyApplier {
        PolicyApplier(securityFS: SecurityFS(root: sec.path),
                      identityFiles: IdentityFiles(machineIDPath: etc.path + "/camflow-machine_id",
                                                   bootIDPath: etc.path + "/camflow-boot_id"))
    }

    func relayConf() throws -> prov_relay_conf {
        let bytes = sec.bytes("relay_conf")
        XCTAssertEqual(bytes.count, MemoryLayout<prov_relay_conf>.size)
        return bytes.withUnsafeBytes { $0.loadUnaligned(as: prov_relay_conf.self) }
    }

    func u32(_ bytes: [UInt8]) -> UInt32 { bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) } }

    func testFirstApplyConfiguresRelayThenFlags() throws {
        var config = CaptureConfiguration()
        config.enabled = true
        config.all = false
        config.relay.buffExp = 16
        config.relay.subufNb = 4
        let report = try applier.apply(config)
        let conf = try relayConf()
        XCTAssertEqual(conf.boot_id, 1)
        XCTAssertNotEqual(conf.machine_id, 0)
        XCTAssertEqual(conf.buff_exp, 16)
        XCTAssertEqual(conf.subuf_nb, 4)
        XCTAssertEqual(sec.bytes("enable"), Array("1\n".utf8))
        XCTAssertEqual(sec.bytes("all"), Array("0\n".utf8))
        XCTAssertTrue(report.configuredRelay)
        XCTAssertEqual(report.machineID, conf.machine_id)
        // the id files now hold what was written
        XCTAssertEqual(u32(etc.bytes("camflow-boot_id")), 1)
        XCTAssertEqual(u32(etc.bytes("camflow-machine_id")), conf.machine_id)
    }

    func testConfiguredMachineIDWinsAndFileIsNotCreated() throws {
        var config = CaptureConfiguration()
        config.machineID = 42
        config.all = true
        _ = try applier.apply(config)
        XCTAssertEqual(try relayConf().machine_id, 42)
        XCTAssertEqual(sec.bytes("all"), Array("1\n".utf8))
        XCTAssertEqual(sec.bytes("enable"), Array("0\n".utf8))
        XCTAssertFalse(SystemFile.exists(etc.path + "/camflow-machine_id"))
    }

    func testAlreadyConfiguredRelayIsLeftAlone() throws {
        _ = sec.file("boot_id", [7, 0, 0, 0])
        _ = sec.file("machine_id", [9, 0, 0, 0])
        _ = etc.file("camflow-boot_id", [7, 0, 0, 0])
        var config = CaptureConfiguration()
        config.enabled = true
        let report = try applier.apply(config)
        XCTAssertFalse(report.configuredRelay)
        XCTAssertEqual(report.bootID, 7)
        XCTAssertEqual(report.machineID, 9)
        XCTAssertEqual(sec.bytes("relay_conf"), [])
        XCTAssertEqual(u32(etc.bytes("camflow-boot_id")), 7)  // not incremented
        XCTAssertEqual(sec.bytes("enable"), Array("1\n".utf8))
    }

    func testMissingSecurityFSIsReported() {
        let missing = PolicyApplier(securityFS: SecurityFS(root: sec.path + "/nope"))
        XCTAssertThrowsError(try missing.apply(CaptureConfiguration())) { error in
            XCTAssertEqual(error as? ProvenanceNotPresent, ProvenanceNotPresent(root: sec.path + "/nope"))
            XCTAssertTrue("\(error)".contains(sec.path + "/nope"))
        }
    }

    func testIdentityFiles() throws {
        let files = IdentityFiles(machineIDPath: etc.path + "/m", bootIDPath: etc.path + "/b")
        XCTAssertEqual(try files.nextBootID(), 1)
        XCTAssertEqual(try files.nextBootID(), 2)
        XCTAssertEqual(try files.nextBootID(), 3)
        _ = etc.file("b", [0xFF, 0xFF, 0xFF, 0xFF])
        XCTAssertEqual(try files.nextBootID(), 1)  // wraps, never 0
        _ = etc.file("m", [0x2A, 0, 0, 0])
        XCTAssertEqual(try files.machineID(configured: 0), 42)
        XCTAssertEqual(try files.machineID(configured: 5), 5)
        _ = etc.file("m", [0, 0, 0, 0])
        let fresh = try files.machineID(configured: 0)
        XCTAssertNotEqual(fresh, 0)
        XCTAssertEqual(u32(etc.bytes("m")), fresh)
        _ = etc.file("m", [1, 2])
        XCTAssertThrowsError(try files.machineID(configured: 0)) { error in
            XCTAssertEqual("\(error)", "cannot read \(etc.path)/m: expected 4 bytes, got 2")
        }
    }

    func testSecurityFSWrites() throws {
        let fs = SecurityFS(root: sec.path + "/")
        try fs.markSelfOpaque()
        let config = sec.bytes("self").withUnsafeBytes { $0.loadUnaligned(as: prov_process_config.self) }
        XCTAssertEqual(sec.bytes("self").count, MemoryLayout<prov_process_config>.size)
        XCTAssertEqual(config.op, UInt8(PROV_SET_OPAQUE))
        XCTAssertEqual(config.flags, UInt32(PROV_FLAG_OPAQUE))
        XCTAssertEqual(config.vpid, 0)
        try fs.flush()
        try fs.bumpEpoch()
        XCTAssertEqual(sec.bytes("flush"), Array("1\n".utf8))
        XCTAssertEqual(sec.bytes("epoch"), Array("1\n".utf8))
        _ = sec.file("dropped", [5, 0, 0, 0, 0, 0, 0, 0])
        XCTAssertEqual(try fs.dropped(), 5)
        _ = sec.text("version", "v0.1.0\n")
        XCTAssertEqual(try fs.version(), "v0.1.0")
        _ = sec.text("enable", "1\n")
        XCTAssertTrue(try fs.get(.enable))
        XCTAssertThrowsError(try fs.set(.duplicate, true)) { error in
            XCTAssertEqual("\(error)", "cannot open \(sec.path)/duplicate: No such file or directory")
        }
    }
}
