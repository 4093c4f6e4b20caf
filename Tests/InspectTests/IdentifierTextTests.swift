import Foundation
import Inspect
import Provenance
import Testing

/// `camflow inspect --id`: identifiers decode field by field (examples from
/// the reference's W3C output), and every malformed id gets its own reason.
@Suite struct IdentifierTextTests {
    @Test func decodesTheReferenceTaskIdentifierWithAndWithoutPrefix() throws {
        for text in ["AQAAAAAAAECSEAAAAAAAAAMAAACVqxqsAgAAAAAAAAA=", "cf:AQAAAAAAAECSEAAAAAAAAAMAAACVqxqsAgAAAAAAAAA="] {
            let id = try IdentifierText.parse(text)
            #expect(id.type == 0x4000_0000_0000_0001)
            #expect(id.id == 4242)
            #expect(id.bootID == 3)
            #expect(id.machineID == 2_887_429_013)
            #expect(id.version == 2)
            let text = IdentifierDescription(id).text
            #expect(text.contains("task (activity, 0x4000000000000001)"), "\(text)")
            #expect(text.contains("machine id  2887429013"), "\(text)")
            #expect(text.contains("version     2"), "\(text)")
        }
    }

    @Test func decodesARelationIdentifier() throws {
        let id = try IdentifierText.parse("cf:AQAAAAAAIIBjAAAAAAAAAAMAAACVqxqsAAAAAAAAAAA=")
        #expect(id.isRelation)
        #expect(id.id == 99)
        let text = IdentifierDescription(id).text
        #expect(text.contains("read (relation, used family"), "\(text)")
        #expect(!text.contains("version"), "relations have no version: \(text)")
    }

    @Test func decodesPacketHeaderFieldsAsTheRecorderWritesThem() throws {
        // the W3C golden packet element: its key must decode to its own cf: attributes
        let path = Fixtures.directory + "/../w3c/packet.json"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let (elements, problems) = parse(text.trimmingCharacters(in: .newlines))
        #expect(problems.isEmpty)
        let packet = try #require(elements.first)
        let fields = Dictionary(uniqueKeysWithValues: IdentifierDescription(packet.id).fields)
        #expect(IdentifierDescription(packet.id).isPacket)
        #expect(fields["packet id"] == packet.attributes["cf:id"])
        #expect(fields["sequence"] == packet.attributes["cf:seq"])
        #expect("\"" + (fields["sender"] ?? "") + "\"" == packet.attributes["cf:sender"])
        #expect("\"" + (fields["receiver"] ?? "") + "\"" == packet.attributes["cf:receiver"])
        #expect(fields["protocol"] == "6")
    }

    @Test func roundTripsIdentifiersBuiltFromFields() throws {
        let built = Identifier(node: NodeType(name: "file")!.rawValue, id: 1 << 40 | 7, bootID: 9,
                               machineID: 0xFFFF_FFFF, version: 12)
        let parsed = try IdentifierText.parse("cf:" + built.base64)
        #expect(parsed == built)
        #expect(parsed.version == 12 && parsed.machineID == 0xFFFF_FFFF)
    }

    @Test(arguments: [
        ("", "44 base64 characters"),
        ("cf:AQAA", "got 4"),
        ("AQAAAAAAAECSEAAAAAAAAAMAAACVqxqsAgAAAAAAAA!=", "'!' at character 43 is not a base64 character"),
        ("AQAAAAAAAECSEAAAAAAAAAMAAACVqxqsAgAAAAAAAAAA", "padding"),
        ("AQAAAAAAAECSEAAAAAAAAAMAAACVqxqsAgAAAAAAAAB=", "beyond the 32 identifier bytes"),
        // type word 0x0000000000000002: no class bit, no table entry
        ("AgAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", "0x2 is not a known node or relation type"),
        // relation family bits with an unknown subtype
        ("AAAAAAAAIIAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", "not a known relation type"),
    ])
    func rejectsMalformedIdentifiers(text: String, reason: String) {
        do {
            _ = try IdentifierText.parse(text)
            Issue.record("\(text) was accepted")
        } catch {
            #expect(error.description.contains(reason), "\(text): \(error)")
        }
    }
}
