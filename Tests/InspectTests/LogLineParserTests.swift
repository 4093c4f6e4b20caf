@testable import Inspect
import Provenance
import Testing

/// Parsing W3C and SPADE lines: elements, roles, format detection, and one
/// precise problem (with its column) for each kind of broken line.
@Suite struct LogLineParserTests {
    static let task = "cf:AQAAAAAAAECSEAAAAAAAAAMAAACVqxqsAgAAAAAAAAA="
    static let file = "cf:AAEAAAAAACDMEAAAAAAAAAMAAACVqxqsAQAAAAAAAAA="
    static let read = "cf:AQAAAAAAIIBjAAAAAAAAAAMAAACVqxqsAAAAAAAAAAA="
    static let prefix = #"{"prefix":{"prov" : "http://www.w3.org/ns/prov", "cf":"http://www.camflow.org"}"#

    @Test func w3cDocumentGivesNodesAndRelationsWithTheirRoles() throws {
        let line = Self.prefix + #", "activity":{"\#(Self.task)":{"cf:id":"4242","prov:type":"task"}}, "entity":{"\#(Self.file)":{"cf:id":"4300","cf:name":"/a \"b\""}}, "used":{"\#(Self.read)":{"cf:id":"99","prov:type":"read","prov:entity":"\#(Self.file)","prov:activity":"\#(Self.task)","cf:flags":"8001"}}}"#
        let (elements, problems) = parse(line)
        #expect(problems.isEmpty, "\(problems)")
        try #require(elements.count == 3)
        #expect(elements[0].section == .activity && elements[0].id.id == 4242)
        #expect(elements[1].section == .entity && elements[1].attributes["cf:name"] == #""/a \"b\"""#)
        let relation = elements[2]
        #expect(relation.section == .used && relation.id.id == 99)
        #expect(relation.sender == (try IdentifierText.parse(Self.file)), "used: the entity sends")
        #expect(relation.receiver == (try IdentifierText.parse(Self.task)), "used: the activity receives")
        #expect(elements.allSatisfy { $0.format == .w3c })
    }

    @Test func spadeEdgePointsFromReceiverToSender() throws {
        let vertex = #"{"type":"Activity","id":"\#(Self.task.dropFirst(3))","annotations": {"object_id":"4242","object_type":"task"}}"#
        let edge = #"{"type":"Used","from":"\#(Self.task.dropFirst(3))","to":"\#(Self.file.dropFirst(3))","annotations": {"id":"\#(Self.read.dropFirst(3))","relation_type":"read"}}"#
        let (elements, problems) = parse(vertex + "\n" + edge)
        #expect(problems.isEmpty, "\(problems)")
        try #require(elements.count == 2)
        #expect(elements[0].section == .activity && elements[0].format == .spade)
        #expect(elements[1].section == .used)
        #expect(elements[1].id == (try IdentifierText.parse(Self.read)))
        #expect(elements[1].sender == (try IdentifierText.parse(Self.file)), "to = sender (cause)")
        #expect(elements[1].receiver == (try IdentifierText.parse(Self.task)), "from = receiver (effect)")
    }

    @Test func decodesEscapesInNames() throws {
        let line = Self.prefix + #", "entity":{"\#(Self.file)":{"cf:pathname":"/t\u00e9st\ud83d\ude00\n\"q\"\\"}}}"#
        let bytes = Array(line.utf8)
        var visitor = NameGrabber()
        var parser = LogLineParser()
        try bytes.withUnsafeBufferPointer { try parser.parse($0, into: &visitor) }
        #expect(visitor.names == ["/tést😀\n\"q\"\\"])
    }

    struct NameGrabber: LogVisitor {
        var names: [String] = []
        mutating func visit(_ element: LogElement) {
            if let name = element.string("cf:pathname") { names.append(name) }
        }
    }

    @Test(arguments: [
        (#"{"prefix":{}, "entity":{}"#, "column 26: expected ',' or '}' in the document, found end of line"),
        (#"{"prefix":{}, "entity":{"cf:xyz":{}}}"#, #"element key "cf:xyz" in entity is not an identifier"#),
        (#"{"prefix":{}, "used":{"\#(read)":{"prov:activity":"\#(task)"}}}"#, "has no prov:entity"),
        (#"{"prefix":{}, "used":{"\#(read)":{"prov:entity":"x","prov:activity":"\#(task)"}}}"#, "prov:entity is not an identifier"),
        (#"{"prefix":{}, "entity":{}} x"#, "column 28: unexpected 'x' after the end of the JSON value"),
        ("{\"prefix\":{}, \"entity\":{\"\(file)\":{\"cf:name\":\"a\u{1}b\"}}}", "control character 0x1 inside a string"),
        (#"{"prefix":{}, "activities":{}}"#, #"unknown W3C section "activities""#),
        (#"{"prefix":{"a":tru}}"#, "invalid literal"),
        (#"{"prefix":{"a":01}}"#, "leading zero"),
        (#"{"prefix":{"a":"\q"}}"#, "invalid escape sequence"),
        (#"{"prefix":{"a":"open"#, "unterminated string"),
        ("[1,2]", "expected '{' (each line holds one JSON object)"),
        (#"{"colour":"red"}"#, "neither a W3C PROV-JSON document nor a SPADE JSON object"),
    ])
    func reportsWhatIsWrongWithALine(line: String, expected: String) {
        let (elements, problems) = parse(line)
        #expect(elements.isEmpty, "an invalid line contributes nothing")
        #expect(problems.count == 1)
        #expect(problems.first?.description.contains(expected) == true, "\(line): \(problems)")
    }

    @Test func deepNestingIsRefusedNotCrashing() {
        let line = #"{"prefix":"# + String(repeating: "[", count: 100_000) + "}"
        let (_, problems) = parse(line)
        #expect(problems.first?.message.contains("nesting deeper than") == true, "\(problems)")
    }

    @Test func aLogKeepsTheFormatOfItsFirstLine() {
        let w3c = Self.prefix + "}"
        let spade = #"{"type":"Entity","id":"\#(Self.file.dropFirst(3))","annotations": {}}"#
        let (_, problems) = parse(w3c + "\n" + spade)
        #expect(problems.map(\.message) == ["a SPADE JSON object in a W3C PROV-JSON log"])
        let (_, reverse) = parse(spade + "\n" + w3c)
        #expect(reverse.map(\.message) == ["a W3C PROV-JSON document in a SPADE JSON log"])
    }

    @Test(arguments: [
        (#"{"type":"Used","from":"\#(task.dropFirst(3))","to":"\#(file.dropFirst(3))","annotations": {}}"#, "without annotations.id"),
        (#"{"type":"Thing","id":"\#(file.dropFirst(3))"}"#, #"unknown SPADE type "Thing""#),
        (#"{"type":"Entity","annotations": {}}"#, "SPADE vertex without \"id\""),
        (#"{"type":"Entity","id":"\#(read.dropFirst(3))"}"#, "is not a node identifier"),
        (#"{"id":"x"}"#, "SPADE object without \"type\""),
    ])
    func reportsBrokenSpadeLines(line: String, expected: String) {
        let (_, problems) = parse(line, format: .spade)
        #expect(problems.first?.description.contains(expected) == true, "\(line): \(problems)")
    }
}
