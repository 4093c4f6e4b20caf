import CProvenanceABI
import XCTest
@testable import Capture
@testable import Provenance

/// Node records ending in a version link (`PROV_RECORD_VERSIONED`, ABI 2),
/// records of ABI 1, and the refusals.
final class VersionLinkDecoderTests: XCTestCase {
    let versioned = UInt8(PROV_RECORD_VERSIONED)
    let replayed = UInt8(PROV_RECORD_REPLAYED)
    let linkSize = MemoryLayout<prov_version_link>.size

    func decode(_ bytes: [UInt8]) throws -> Record {
        try bytes.withUnsafeBytes { try RecordDecoder.decode($0) }
    }

    func expectError(_ bytes: [UInt8], _ expected: DecodeError, _ message: String,
                     file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try decode(bytes), file: file, line: line) { error in
            XCTAssertEqual(error as? DecodeError, expected, file: file, line: line)
            XCTAssertEqual("\(error)", message, file: file, line: line)
            XCTAssertEqual((error as? DecodeError)?.breaksFraming, false, file: file, line: line)
        }
    }

    /// A header as the kernel's prov_emit_linked sends it.
    func header(_ kind: prov_record_kind, size: Int, flags: UInt8, abi: UInt8 = 2) -> prov_record_header {
        prov_record_header(size: UInt32(size), kind: UInt16(kind.rawValue), abi_version: abi, flags: flags,
                           time_ns: 1_667_164_502_000_000_123)
    }

    /// The bytes of the C record `r`, then `link`.
    func bytes<T>(_ r: T, _ link: prov_version_link?) -> [UInt8] {
        var out = withUnsafeBytes(of: r) { Array($0) }
        if let link { out += withUnsafeBytes(of: link) { Array($0) } }
        return out
    }

    func nodeID(_ type: UInt64, _ id: UInt64, version: UInt32) -> prov_identifier {
        var c = prov_identifier()
        c.node.type = type
        c.node.id = id
        c.node.boot_id = 3
        c.node.machine_id = 2_887_429_013
        c.node.version = version
        return c
    }

    func task(version: UInt32, size: Int, flags: UInt8) -> prov_task_record {
        var r = prov_task_record()
        r.hdr = header(PROV_KIND_TASK, size: size, flags: flags)
        r.elt.identifier = nodeID(ACT_TASK, 4242, version: version)
        r.elt.epoch = 2
        r.elt.jiffies = 99
        r.pid = 1234
        r.cgroupns = 77
        return r
    }

    func inode(version: UInt32, size: Int, flags: UInt8) -> prov_inode_record {
        var r = prov_inode_record()
        r.hdr = header(PROV_KIND_INODE, size: size, flags: flags)
        r.elt.identifier = nodeID(ENT_INODE_FILE, 4300, version: version)
        r.ino = 0x1_0014_0202
        r.mode = 0o100644
        withUnsafeMutableBytes(of: &r.sb_uuid) { for i in 0..<16 { $0[i] = UInt8(i + 1) } }
        return r
    }

    // MARK: - Versioned nodes

    func testVersionedTaskGivesItsLink() throws {
        let size = MemoryLayout<prov_task_record>.size + linkSize
        let link = prov_version_link(type: RL_VERSION_TASK, id: 991, task_id: 4242)
        let record = try decode(bytes(task(version: 5, size: size, flags: versioned | replayed), link))
        XCTAssertEqual(record.versionLink, VersionLink(type: RL_VERSION_TASK, id: 991, taskID: 4242))
        XCTAssertEqual(Int(record.header.size), size)
        XCTAssertEqual(record.header.flags, versioned | replayed, "flags are kept as read")
        XCTAssertEqual(record.identifier.version, 5)
        XCTAssertEqual(record.element.jiffies, 99)
        guard case let .task(t) = record.payload else { return XCTFail("not a task") }
        XCTAssertEqual(t.pid, 1234)
        XCTAssertEqual(t.cgroupns, 77, "the last field of the struct, right before the link")
        XCTAssertEqual(record.impliedVersionRelation?.typeWord, RL_VERSION_TASK)
    }

    func testVersionedInodeGivesItsLink() throws {
        let size = MemoryLayout<prov_inode_record>.size + linkSize
        let link = prov_version_link(type: RL_VERSION, id: 17, task_id: 0)
        let record = try decode(bytes(inode(version: 1, size: size, flags: versioned), link))
        XCTAssertEqual(record.versionLink, VersionLink(type: RL_VERSION, id: 17, taskID: 0))
        guard case let .inode(i) = record.payload else { return XCTFail("not an inode") }
        XCTAssertEqual(i.ino, 0x1_0014_0202)
        XCTAssertEqual(i.mode, 0o100644)
        XCTAssertEqual(i.superblockUUID.bytes, Array(1...16))
        XCTAssertEqual(record.impliedVersionRelation?.typeWord, RL_VERSION)
    }

    /// Without the flag nothing changes: no link, even with bytes to spare.
    func testUnflaggedNodeHasNoLink() throws {
        let size = MemoryLayout<prov_task_record>.size + linkSize
        let link = prov_version_link(type: RL_VERSION_TASK, id: 991, task_id: 4242)
        let record = try decode(bytes(task(version: 5, size: size, flags: 0), link))
        XCTAssertNil(record.versionLink)
        XCTAssertNil(record.impliedVersionRelation)
    }

    /// Every kind that takes a link survives encode → decode with it.
    func testLinksRoundTripThroughTheEncoder() throws {
        let linkable: Set<String> = ["task", "proc", "inode", "msg", "shm", "sb", "machine"]
        var seen = Set<String>()
        for (name, var sample) in RecordSamples.all where linkable.contains(name) {
            let plain = RecordEncoder.encode(sample)
            sample.versionLink = VersionLink(type: name == "task" ? RL_VERSION_TASK : RL_VERSION, id: 5, taskID: 6)
            let linked = RecordEncoder.encode(sample)
            XCTAssertEqual(linked.count, plain.count + linkSize, name)
            XCTAssertEqual(Array(linked[16..<plain.count]), Array(plain[16...]), "\(name): body moved")
            var decoded = try decode(linked)
            XCTAssertEqual(decoded.header.flags, versioned, name)
            XCTAssertEqual(Int(decoded.header.size), linked.count, name)
            decoded.header = sample.header
            XCTAssertEqual(decoded, sample, name)
            seen.insert(name)
        }
        XCTAssertEqual(seen, linkable)
    }

    // MARK: - Refusals

    func testRecordWithoutRoomForTheLinkIsTooShort() {
        let taskSize = MemoryLayout<prov_task_record>.size
        expectError(bytes(task(version: 5, size: taskSize, flags: versioned), nil),
                    .tooShortForKind(kind: .task, size: UInt32(taskSize), needed: taskSize + linkSize),
                    "task record of \(taskSize) bytes, needs \(taskSize + linkSize)")
        // room for the struct and 16 bytes, not 24
        let inodeSize = MemoryLayout<prov_inode_record>.size
        expectError(bytes(inode(version: 1, size: inodeSize + 16, flags: versioned), nil) + [UInt8](repeating: 0, count: 16),
                    .tooShortForKind(kind: .inode, size: UInt32(inodeSize + 16), needed: inodeSize + linkSize),
                    "inode record of \(inodeSize + 16) bytes, needs \(inodeSize + linkSize)")
    }

    func testLinkOnVersionZeroIsRefused() {
        let size = MemoryLayout<prov_inode_record>.size + linkSize
        expectError(bytes(inode(version: 0, size: size, flags: versioned), prov_version_link(type: RL_VERSION, id: 1, task_id: 0)),
                    .badVersionLink(kind: .inode, problem: .versionZero),
                    "inode record with a version link but node version 0 (no previous version)")
    }

    func testLinkOfAnotherTypeIsRefused() {
        let size = MemoryLayout<prov_task_record>.size + linkSize
        expectError(bytes(task(version: 5, size: size, flags: versioned), prov_version_link(type: RL_READ, id: 1, task_id: 0)),
                    .badVersionLink(kind: .task, problem: .wrongType(RL_READ)),
                    "task record with a version link of type 0x\(String(RL_READ, radix: 16)), expected RL_VERSION or RL_VERSION_TASK")
        expectError(bytes(task(version: 5, size: size, flags: versioned), prov_version_link(type: 0, id: 1, task_id: 0)),
                    .badVersionLink(kind: .task, problem: .wrongType(0)),
                    "task record with a version link of type 0x0, expected RL_VERSION or RL_VERSION_TASK")
    }

    func testFlagOnARelationIsRefused() throws {
        var relation = try XCTUnwrap(RecordSamples.named("relation"))
        relation.versionLink = VersionLink(type: RL_VERSION, id: 1)
        expectError(RecordEncoder.encode(relation), .badVersionLink(kind: .relation, problem: .notVersionable),
                    "relation record flagged as versioned: only fixed-size node records carry a version link")
    }

    /// Kinds the kernel never versions: packets and the variable-length kinds.
    func testFlagOnKindsThatAreNeverVersionedIsRefused() throws {
        for name in ["packet", "path", "string", "address", "xattr", "packet_content", "argv", "disc"] {
            var sample = try XCTUnwrap(RecordSamples.named(name))
            sample.versionLink = VersionLink(type: RL_VERSION, id: 1)
            let kind = sample.kind
            expectError(RecordEncoder.encode(sample), .badVersionLink(kind: kind, problem: .notVersionable),
                        "\(kind) record flagged as versioned: only fixed-size node records carry a version link")
        }
    }

    // MARK: - ABI versions

    /// Records of ABI 1 (what the kernel fixtures hold) decode as before;
    /// there the VERSIONED bit means nothing and stays in the flags.
    func testABI1RecordsDecodeAsBefore() throws {
        for (name, sample) in RecordSamples.all {
            var bytes = RecordEncoder.encode(sample)
            bytes[6] = 1  // abi_version
            var decoded = try decode(bytes)
            decoded.header.size = sample.header.size
            XCTAssertEqual(decoded, sample, name)
        }
        // The bit in an ABI 1 record: the trailing bytes are not a link (this
        // one would be refused in ABI 2), just bytes after the struct.
        let size = MemoryLayout<prov_task_record>.size + linkSize
        var r = task(version: 5, size: size, flags: versioned)
        r.hdr.abi_version = 1
        let record = try decode(bytes(r, prov_version_link(type: RL_READ, id: 1, task_id: 0)))
        XCTAssertNil(record.versionLink)
        XCTAssertEqual(record.header.flags, versioned)
        XCTAssertEqual(Int(record.header.size), size)
        guard case let .task(t) = record.payload else { return XCTFail("not a task") }
        XCTAssertEqual(t.pid, 1234)
    }

    func testABI3IsRefused() throws {
        var bytes = RecordEncoder.encode(try XCTUnwrap(RecordSamples.named("task")))
        bytes[6] = 3
        expectError(bytes, .wrongABIVersion(3), "ABI version 3, expected 1 to 2")
        bytes[6] = 2
        XCTAssertNoThrow(try decode(bytes))
    }
}
