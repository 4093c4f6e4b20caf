import CProvenanceABI
import Foundation
import XCTest
@testable import Provenance
@testable import Serialize

final class W3CBatchTests: XCTestCase {
    func documents(_ records: [Record], maxBytes: Int = 1 << 30, names: NameCache = NameCache()) -> [[UInt8]] {
        var batch = W3CBatch(encoder: W3CEncoder(nameCache: names), maxDocumentBytes: maxBytes)
        var out: [[UInt8]] = []
        for r in records { batch.add(r) { out.append($0) } }
        batch.flush { out.append($0) }
        return out
    }

    func testPrefixIsByteExact() throws {
        let doc = W3C.text(W3C.document([try XCTUnwrap(RecordSamples.named("msg"))]))
        XCTAssertTrue(doc.hasPrefix(#"{"prefix":{"prov" : "http://www.w3.org/ns/prov", "cf":"http://www.camflow.org"}, "entity":{"#), doc)
        XCTAssertTrue(doc.hasSuffix("}}}"))
    }

    func testSectionsInReferenceOrderAndOnlyNonEmpty() throws {
        func relation(_ type: UInt64, _ id: UInt64) -> Record {
            Record(element: Element(identifier: Identifier(relation: type, id: id, bootID: 1, machineID: 1)),
                   payload: .relation(RelationInfo(sender: .zero, receiver: .zero)))
        }
        var records = [RL_NAMED, RL_LOAD_MODULE, RL_RAN_ON, RL_CLONE, RL_WRITE, RL_READ].enumerated()
            .map { relation($1, UInt64($0)) }
        records += ["machine", "inode", "task"].compactMap(RecordSamples.named)
        let doc = try OrderedJSON.parse(W3C.document(records.reversed()))
        XCTAssertEqual(doc.keys, ["prefix", "activity", "agent", "entity", "used", "wasGeneratedBy",
                                  "wasInformedBy", "wasAssociatedWith", "wasInfluencedBy", "wasDerivedFrom"])
    }

    func testRoleKeysPerSection() throws {
        let cases: [(UInt64, String, String, String)] = [
            (RL_READ, "used", "prov:entity", "prov:activity"),
            (RL_WRITE, "wasGeneratedBy", "prov:activity", "prov:entity"),
            (RL_CLONE, "wasInformedBy", "prov:informant", "prov:informed"),
            (RL_LOAD_MODULE, "wasInfluencedBy", "prov:influencer", "prov:influencee"),
            (RL_RAN_ON, "wasAssociatedWith", "prov:agent", "prov:activity"),
            (RL_NAMED, "wasDerivedFrom", "prov:usedEntity", "prov:generatedEntity"),
        ]
        let snd = RecordSamples.fileID, rcv = RecordSamples.taskID
        for (type, section, senderKey, receiverKey) in cases {
            let r = Record(element: Element(identifier: Identifier(relation: type, id: 1, bootID: 1, machineID: 1)),
                           payload: .relation(RelationInfo(sender: snd, receiver: rcv, allowed: false)))
            let doc = try OrderedJSON.parse(W3C.document([r]))
            guard case let .object(members)? = doc[section], let element = members.first?.value else {
                return XCTFail("no \(section)")
            }
            XCTAssertEqual(element[senderKey]?.stringValue, "cf:" + snd.base64)
            XCTAssertEqual(element[receiverKey]?.stringValue, "cf:" + rcv.base64)
            XCTAssertEqual(element["cf:allowed"]?.stringValue, "false")
            XCTAssertNil(element["cf:offset"])
        }
    }

    /// An element id already in the document starts a new document, so no key repeats.
    func testSameIdentifierTwiceGivesTwoDocuments() throws {
        let task = try XCTUnwrap(RecordSamples.named("task"))
        let file = try XCTUnwrap(RecordSamples.named("inode"))
        let docs = documents([task, file, task, file, task])
        XCTAssertEqual(docs.count, 3)
        for d in docs { XCTAssertNoThrow(try OrderedJSON.parse(d)) }
    }

    func testUnplaceableRelationIsSkipped() {
        let r = Record(element: Element(identifier: Identifier(relation: DM_RELATION | 1, id: 1, bootID: 1, machineID: 1)),
                       payload: .relation(RelationInfo(sender: .zero, receiver: .zero)))
        var batch = W3CBatch()
        XCTAssertFalse(batch.add(r) { _ in XCTFail("nothing to emit") })
        XCTAssertEqual(batch.skipped, 1)
        XCTAssertTrue(batch.isEmpty)
    }

    func testDocumentIsEmittedAtSizeLimit() throws {
        var records: [Record] = []
        for i in 0..<200 {
            var r = try XCTUnwrap(RecordSamples.named("msg"))
            r.element.identifier = Identifier(node: ENT_MSG, id: UInt64(i), bootID: 1, machineID: 1, version: 0)
            records.append(r)
        }
        let docs = documents(records, maxBytes: 4096)
        XCTAssertGreaterThan(docs.count, 5)
        var total = 0
        for d in docs {
            XCTAssertLessThan(d.count, 4096 + 1024)
            guard case let .object(members)? = try OrderedJSON.parse(d)["entity"] else { return XCTFail("no entity") }
            total += members.count
        }
        XCTAssertEqual(total, 200)
    }

    func testEmptyBatchEmitsNothing() {
        var batch = W3CBatch()
        batch.flush { _ in XCTFail("empty batch emitted a document") }
        XCTAssertEqual(batch.documentsEmitted, 0)
    }

    /// cf:name comes from path records seen earlier; without one it is omitted.
    func testNameFromPathRecordOrOmitted() throws {
        let names = NameCache()
        let inode = try XCTUnwrap(RecordSamples.named("inode"))
        let path = try XCTUnwrap(RecordSamples.named("path"))
        let before = try OrderedJSON.parse(documents([inode], names: names)[0])
        XCTAssertFalse(W3C.text(documents([inode], names: names)[0]).contains("cf:name"), "\(before)")
        _ = documents([path], names: names)
        let after = W3C.text(documents([inode], names: names)[0])
        XCTAssertTrue(after.contains(#""cf:name":"/usr/bin/wget","cf:uid""#), after)
    }

    func testNameCacheIsBounded() {
        let cache = NameCache(capacity: 10)
        for i in 0..<100 {
            cache.insert(Identifier(node: ENT_PATH, id: UInt64(i), bootID: 1, machineID: 1, version: 0), name: [1])
        }
        XCTAssertLessThanOrEqual(cache.count, 10)
        XCTAssertNotNil(cache.name(for: Identifier(node: ENT_PATH, id: 99, bootID: 1, machineID: 1, version: 0)))
        XCTAssertNil(cache.name(for: Identifier(node: ENT_PATH, id: 0, bootID: 1, machineID: 1, version: 0)))
    }

    func testUnknownNodeTypeIsNamedUnknown() throws {
        var r = try XCTUnwrap(RecordSamples.named("msg"))
        r.element.identifier = Identifier(node: DM_ENTITY | (1 << 40), id: 7, bootID: 1, machineID: 1, version: 0)
        XCTAssertTrue(W3C.text(W3C.document([r])).contains(#""prov:type":"unknown""#))
    }
}
