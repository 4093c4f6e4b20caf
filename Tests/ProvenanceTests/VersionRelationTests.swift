import CProvenanceABI
import XCTest
@testable import Provenance

/// `Record.impliedVersionRelation`: the relation a node record with a
/// version link stands for, field by field as the kernel's separate
/// relation record (prov_write_relation) carried it.
final class VersionRelationTests: XCTestCase {
    let replayed = UInt8(PROV_RECORD_REPLAYED)
    let versioned = UInt8(PROV_RECORD_VERSIONED)

    /// A task of version 5 with every field a relation could wrongly copy set.
    func task(flags: UInt8, link: VersionLink?) -> Record {
        let id = Identifier(node: ACT_TASK, id: 4242, bootID: 3, machineID: 2_887_429_013, version: 5)
        return Record(header: RecordHeader(size: 248, flags: flags, timeNs: 1_667_164_502_000_000_123),
                      element: Element(identifier: id, epoch: 7, flags: 0x0F, jiffies: 4_295_123_456, taint: 0xF0),
                      node: NodeCommon(nameID: Identifier(node: ENT_PATH, id: 1, bootID: 3, machineID: 1, version: 0),
                                       secid: 1, uid: 1000, gid: 1000),
                      payload: .task(TaskInfo()), versionLink: link)
    }

    func testNoLinkNoRelation() {
        XCTAssertNil(task(flags: 0, link: nil).impliedVersionRelation)
        XCTAssertNil(RecordSamples.named("inode")?.impliedVersionRelation)
    }

    func testRelationHasTheFieldsOfTheKernelsRelationRecord() throws {
        let link = VersionLink(type: RL_VERSION_TASK, id: 991, taskID: 4242)
        let node = task(flags: versioned | replayed, link: link)
        let relation = try XCTUnwrap(node.impliedVersionRelation)

        var previous = prov_identifier()
        previous.node.type = ACT_TASK
        previous.node.id = 4242
        previous.node.boot_id = 3
        previous.node.machine_id = 2_887_429_013
        previous.node.version = 4
        var relationID = prov_identifier()
        relationID.relation.type = RL_VERSION_TASK
        relationID.relation.id = 991
        relationID.relation.boot_id = 3
        relationID.relation.machine_id = 2_887_429_013
        let expected = Record(
            header: RecordHeader(size: 168, flags: replayed, timeNs: 1_667_164_502_000_000_123),
            element: Element(identifier: Identifier(relationID), epoch: 7, flags: 0, jiffies: 4_295_123_456, taint: 0),
            node: .none,
            payload: .relation(RelationInfo(sender: Identifier(previous), receiver: node.identifier, offset: 0,
                                            flags: 0, taskID: 4242, allowed: true, hasOffset: false)))
        XCTAssertEqual(relation, expected)
        XCTAssertEqual(Int(relation.header.size), MemoryLayout<prov_relation_record>.size)
        XCTAssertNil(relation.versionLink)
        XCTAssertNil(relation.impliedVersionRelation, "the relation stands for nothing more")
    }

    /// Only the version differs between sender and receiver, whatever the
    /// other bytes hold (the reserved word included).
    func testSenderIsThePreviousVersionOfTheSameIdentifier() throws {
        var c = prov_identifier()
        c.node.type = ENT_INODE_FILE
        c.node.id = 0xDEAD_BEEF
        c.node.boot_id = 9
        c.node.machine_id = 8
        c.node.version = 1
        c.node.reserved = 0x5A5A
        let node = Record(element: Element(identifier: Identifier(c)),
                          payload: .inode(InodeInfo(ino: 1, mode: 0)),
                          versionLink: VersionLink(type: RL_VERSION, id: 1))
        guard case let .relation(info)? = node.impliedVersionRelation?.payload else {
            return XCTFail("no relation")
        }
        var senderBytes = node.identifier.bytes
        senderBytes[24] = 0  // version 1 - 1, little endian
        XCTAssertEqual(info.sender.bytes, senderBytes)
        XCTAssertEqual(info.sender.version, 0)
        XCTAssertEqual(info.receiver, node.identifier)
        XCTAssertEqual(node.impliedVersionRelation?.typeWord, RL_VERSION)
    }

    func testOnlyTheVersionedFlagIsDropped() {
        let link = VersionLink(type: RL_VERSION_TASK, id: 1)
        XCTAssertEqual(task(flags: versioned, link: link).impliedVersionRelation?.header.flags, 0)
        XCTAssertEqual(task(flags: replayed, link: link).impliedVersionRelation?.header.flags, replayed)
        XCTAssertEqual(task(flags: 0xF0 | versioned, link: link).impliedVersionRelation?.header.flags, 0xF0)
    }

    /// A link that cannot stand for a relation (built by hand; the decoder
    /// refuses both) gives none rather than a wrong one.
    func testNoRelationFromAVersionZeroNodeOrARelation() throws {
        var path = try XCTUnwrap(RecordSamples.named("path"))
        XCTAssertEqual(path.identifier.version, 0)
        path.versionLink = VersionLink(type: RL_VERSION, id: 1)
        XCTAssertNil(path.impliedVersionRelation)
        var relation = try XCTUnwrap(RecordSamples.named("relation"))
        relation.versionLink = VersionLink(type: RL_VERSION, id: 1)
        XCTAssertNil(relation.impliedVersionRelation)
    }

    func testLinkConvertsToAndFromTheCStructure() {
        let link = VersionLink(type: RL_VERSION, id: 12, taskID: 34)
        let c = link.c
        XCTAssertEqual([c.type, c.id, c.task_id], [RL_VERSION, 12, 34])
        XCTAssertEqual(VersionLink(c), link)
        XCTAssertEqual(MemoryLayout<prov_version_link>.size, 24)
        XCTAssertTrue(VersionLink(type: RL_VERSION_TASK, id: 0).hasVersionType)
        XCTAssertFalse(VersionLink(type: RL_READ, id: 0).hasVersionType)
        XCTAssertFalse(VersionLink(type: 0, id: 0).hasVersionType)
    }
}
