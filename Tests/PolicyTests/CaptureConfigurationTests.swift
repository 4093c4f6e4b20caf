import CProvenanceABI
import XCTest
@testable import Ini
@testable import Policy
@testable import Provenance

final class CaptureConfigurationTests: XCTestCase {
    func parse(_ text: String) throws -> LoadedCaptureConfiguration {
        let loaded = CaptureConfiguration.parse(IniFile(path: "/etc/camflow.ini", contents: Array(text.utf8)))
        if let first = loaded.problems.first { throw first }
        return loaded
    }

    func expectError(_ text: String, _ message: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try parse(text), file: file, line: line) { error in
            XCTAssertEqual("\(error)", message, file: file, line: line)
        }
    }

    func testShippedFileAndDefaults() throws {
        let loaded = try parse("""
            ; comment
            # other comment
            [provenance]
            machine_id=0
            enabled=true
            all=false
            node_filter=directory
            node_filter=inode_unknown
            node_filter=char
            node_filter=envp

            [compression]
            version=true ; inline comment
            node:true
            edge=true
            duplicate=false

            [file]
            opaque=/usr/bin/bash
            """)
        let c = loaded.configuration
        XCTAssertEqual(loaded.warnings, [])
        XCTAssertTrue(c.enabled)
        XCTAssertFalse(c.all)
        XCTAssertEqual(c.nodeFilters.map(\.value.name), ["directory", "inode_unknown", "char", "envp"])
        XCTAssertEqual(c.compression.version, true)
        XCTAssertEqual(c.compression.node, true)
        XCTAssertEqual(c.compression.duplicate, false)
        XCTAssertEqual(c.files.opaque.map(\.value), ["/usr/bin/bash"])
        XCTAssertEqual(c.relay, RelayGeometry())  // [relay] missing: 20 and 8
        XCTAssertEqual(c.relay.buffExp, 20)
        XCTAssertEqual(c.relay.subufNb, 8)
    }

    func testContinuationLinesAddListEntries() throws {
        let c = try parse("""
            [file]
            opaque=/usr/bin/bash
              /usr/bin/dash
              /usr/bin/zsh
            track=/tmp/x
            """).configuration
        XCTAssertEqual(c.files.opaque.map(\.value), ["/usr/bin/bash", "/usr/bin/dash", "/usr/bin/zsh"])
        XCTAssertEqual(c.files.track.map(\.value), ["/tmp/x"])
    }

    func testBothIPv4SectionSpellings() throws {
        let c = try parse("""
            [ipv4-ingress]
            track=10.0.0.0/8:0
            [ipv4\u{2212}ingress]
            propagate=192.168.1.7/32:443
            [ipv4\u{2212}egress]
            record=0.0.0.0/0:80
            [ipv4-egress]
            track=127.0.0.1/24:65535
            """).configuration
        XCTAssertEqual(c.ipv4Ingress.track.map(\.value), [IPv4Filter(address: 0x0A00_0000, prefixLength: 8, port: 0)])
        XCTAssertEqual(c.ipv4Ingress.propagate.map(\.value), [IPv4Filter(address: 0xC0A8_0107, prefixLength: 32, port: 443)])
        XCTAssertEqual(c.ipv4Egress.record.map(\.value.description), ["0.0.0.0/0:80"])
        XCTAssertEqual(c.ipv4Egress.track.first?.value.mask, 0xFFFF_FF00)
    }

    func testOtherKnownKeysAreParsed() throws {
        let c = try parse("""
            [provenance]
            relation_filter=read
            propagate_node_filter=file
            propagate_relation_filter=write
            [user]
            track=root
            opaque=0
            [group]
            propagate=root
            [secctx]
            track=system_u:object_r:etc_t:s0
            [relay]
            buff_exp=13
            subuf_nb=256
            """).configuration
        XCTAssertEqual(c.relationFilters.map(\.value.name), ["read"])
        XCTAssertEqual(c.propagateNodeFilters.map(\.value.name), ["file"])
        XCTAssertEqual(c.propagateRelationFilters.map(\.value.name), ["write"])
        XCTAssertEqual(c.users.track.map(\.value.name), ["root"])
        XCTAssertEqual(c.users.opaque.map(\.value), [Account(name: "0", id: 0)])
        XCTAssertEqual(c.groups.propagate.map(\.value), [Account(name: "root", id: 0)])
        XCTAssertEqual(c.secctx.track.map(\.value), ["system_u:object_r:etc_t:s0"])  // '=' before ':' splits
        XCTAssertEqual(c.relay.buffExp, 13)
        XCTAssertEqual(c.relay.subufNb, 256)
    }

    func testBadValuesNameTheKey() {
        expectError("[relay]\nbuff_exp=99\n", "/etc/camflow.ini:2: [relay] buff_exp=99: out of range 13...24")
        expectError("[relay]\nbuff_exp=12\n", "/etc/camflow.ini:2: [relay] buff_exp=12: out of range 13...24")
        expectError("[relay]\nsubuf_nb=1\n", "/etc/camflow.ini:2: [relay] subuf_nb=1: out of range 2...256")
        expectError("[relay]\nsubuf_nb=eight\n", "/etc/camflow.ini:2: [relay] subuf_nb=eight: out of range 2...256")
        expectError("\n[provenance]\nenabled=maybe\n",
                    "/etc/camflow.ini:3: [provenance] enabled=maybe: not a boolean (true or false)")
        expectError("[provenance]\nmachine_id=-1\n", "/etc/camflow.ini:2: [provenance] machine_id=-1: out of range 0...4294967295")
        expectError("[provenance]\nnode_filter=bogus\n", "/etc/camflow.ini:2: [provenance] node_filter=bogus: unknown node type")
        expectError("[provenance]\nrelation_filter=ran_on\n",
                    "/etc/camflow.ini:2: [provenance] relation_filter=ran_on: relations of this family cannot be filtered")
        expectError("[ipv4-egress]\ntrack=10.0.0.0/33:80\n",
                    "/etc/camflow.ini:2: [ipv4-egress] track=10.0.0.0/33:80: not an address/prefix:port (e.g. 192.168.0.0/16:80)")
        expectError("[ipv4-egress]\ntrack=10.0.0/8:80\n",
                    "/etc/camflow.ini:2: [ipv4-egress] track=10.0.0/8:80: not an address/prefix:port (e.g. 192.168.0.0/16:80)")
    }

    func testUnknownSectionsAndKeysAreWarningsWithLineNumbers() throws {
        let loaded = try parse("""
            [provenance]
            enabled=true
            colour=blue
            [nonsense]
            a=1
            b=2
            this line has no separator
            """)
        XCTAssertTrue(loaded.configuration.enabled)
        XCTAssertEqual(loaded.warnings, [
            "/etc/camflow.ini:3: unknown key 'colour' in [provenance] (ignored)",
            "/etc/camflow.ini:5: unknown section [nonsense] (ignored)",
            "/etc/camflow.ini:7: not a [section], key=value or comment (ignored)",
        ])
    }

    func testLongLinesAreNotCut() throws {
        let long = "/" + String(repeating: "d", count: 1000)
        let c = try parse("[file]\ntrack=\(long)\ntrack=/short\n").configuration
        XCTAssertEqual(c.files.track.map(\.value), [long, "/short"])
    }

    func testUnreadableFileNamesPath() {
        XCTAssertThrowsError(try CaptureConfiguration.load(path: "/nonexistent/camflow.ini")) { error in
            XCTAssertEqual("\(error)", "cannot read configuration /nonexistent/camflow.ini: No such file or directory")
        }
    }
}
