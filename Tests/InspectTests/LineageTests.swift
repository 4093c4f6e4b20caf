@testable import Inspect
import Provenance
import Testing

/// Lineage on the hand-made logs (known graphs) and on the VM excerpt.
@Suite struct LineageTests {
    func names(_ view: LineageView) -> Set<String> { Set(view.objects.flatMap(\.names)) }

    func view(_ logs: [String], _ target: LineageTarget, _ direction: LineageDirection) throws -> LineageView {
        let graph = try loadGraph(logs.map(Fixtures.path))
        let lineage = try Lineage(graph: graph, target: target, direction: direction)
        return LineageView(graph: graph, lineage: lineage)
    }

    @Test func ancestorsOfAPathFollowTheFlowAndMatchEveryVersion() throws {
        for log in ["pipeline.w3c.log", "pipeline.spade.log"] {
            let v = try view([log], .path("/tmp/output.txt"), .ancestors)
            let root = try #require(v.roots.first)
            #expect(v.roots.count == 1)
            // version 0 is named by the path node, version 2 by cf:name, version 1 by neither
            #expect(v.objects[root].versionRange == 0...2)
            #expect(v.versions(of: root).count == 3)
            #expect(names(v).isSuperset(of: ["/tmp/input.txt", "/bin/tr", "/bin/sed", "/tmp", "vm1"]))
            #expect(names(v).isDisjoint(with: ["/etc/hosts", "/bin/cp", "/tmp/hosts.copy"]), "cp is unrelated")
            let tr = try #require(v.objects.first { $0.typeName == "process_memory" && $0.processID == 41 })
            #expect(tr.arguments == ["tr", "a-z", "A-Z"], "arguments in recorded order")
        }
    }

    @Test func descendantsOfAPath() throws {
        let v = try view(["pipeline.w3c.log"], .path("/tmp/input.txt"), .descendants)
        #expect(names(v).contains("/tmp/output.txt"))
        #expect(!names(v).contains("/tmp/hosts.copy") && !names(v).contains("/etc/hosts"))
        #expect(v.objects.contains { $0.typeName == "pipe" })
    }

    @Test func anIdentifierNamesOneVersionUnlessAllVersionsAreAsked() throws {
        let graph = try loadGraph([Fixtures.path("pipeline.w3c.log")])
        let file = NodeType(name: "file")!.rawValue
        let version0 = Identifier(node: file, id: 40, bootID: 3, machineID: 2_887_429_013, version: 0)
        let exact = try Lineage(graph: graph, target: .identifier(version0, allVersions: false), direction: .ancestors)
        #expect(exact.targets.count == 1 && exact.reached.isEmpty, "nothing flows into version 0")
        let all = try Lineage(graph: graph, target: .identifier(version0, allVersions: true), direction: .ancestors)
        #expect(all.targets.count == 3 && !all.reached.isEmpty)
        let descendants = try Lineage(graph: graph, target: .identifier(version0, allVersions: false), direction: .descendants)
        #expect(descendants.reached.count == 2, "version 0 flows into versions 1 and 2 only")
    }

    @Test func twoMachinesJoinThroughTheirPacket() throws {
        let v = try view(["machine-a.w3c.log", "machine-b.spade.log"], .path("/srv/copy.txt"), .ancestors)
        #expect(v.spansMachines)
        #expect(names(v).contains("/data/secret.txt"))
        #expect(!names(v).contains("/srv/unrelated.txt"))
        let machines = Set(v.objects.filter { !$0.key.isPacket }.map(\.key.machine))
        #expect(machines == [101, 202])
        var lines: [String] = []
        LineageRendering.tree(v, heading: "h") { lines.append($0) }
        #expect(lines.contains { $0.contains("receive_packet ← packet 10.0.0.1:51000->10.0.0.2:9000 (513)") }, "\(lines)")
        #expect(lines.last?.contains("read ← file /data/secret.txt (id 10, version 1, machine 101)") == true, "\(lines)")
        let dot = LineageRendering.dot(v, title: "t")
        #expect(dot.contains("subgraph cluster_m101") && dot.contains("subgraph cluster_m202"))
    }

    @Test func treeShowsEachObjectOnceAndHonoursTheDepth() throws {
        let v = try view(["vm-demo.w3c.log"], .path("/tmp/output.txt"), .ancestors)
        var lines: [String] = []
        LineageRendering.tree(v, heading: "heading") { lines.append($0) }
        #expect(lines[0] == "heading")
        #expect(lines[1].hasPrefix("file /tmp/output.txt"))
        #expect(lines.contains { $0.contains("read ← file /tmp/input.txt") }, "\(lines)")
        #expect(lines.contains { $0.contains("[/bin/tr a-z A-Z]") }, "\(lines)")
        let expandedLines = lines.dropFirst(2).filter { !$0.hasSuffix("(shown above)") }
        let labels = expandedLines.compactMap { $0.components(separatedBy: " ← ").last }
        #expect(Set(labels).count == labels.count, "an object is expanded once")
        var shallow: [String] = []
        LineageRendering.tree(v, heading: "h", maxDepth: 1) { shallow.append($0) }
        #expect(shallow.count < lines.count)
        #expect(shallow.allSatisfy { !$0.hasPrefix("    ") }, "\(shallow)")
    }

    @Test func unknownTargetsAreErrors() throws {
        let graph = try loadGraph([Fixtures.path("pipeline.w3c.log")])
        #expect(throws: LineageError.self) { try Lineage(graph: graph, target: .path("/nowhere"), direction: .ancestors) }
        let missing = Identifier(node: NodeType(name: "file")!.rawValue, id: 999, bootID: 3, machineID: 1, version: 0)
        do {
            _ = try Lineage(graph: graph, target: .identifier(missing, allVersions: false), direction: .ancestors)
            Issue.record("an unknown id was accepted")
        } catch {
            #expect(error.message.contains("file 999 version 0) is not in the logs"), "\(error)")
        }
        #expect(throws: LineageError.self) { try LineageTarget.parse("relative/path", allVersions: false) }
        #expect(throws: LineageError.self) { try LineageTarget.parse("cf:AQAAAAAAIIBjAAAAAAAAAAMAAACVqxqsAAAAAAAAAAA=", allVersions: false) }
    }
}
