import Foundation
import XCTest
import CProvenanceABI
@testable import Capture
@testable import Provenance

/// Decodes the raw relay dumps committed under Tests/Fixtures/kernel/*.bin,
/// captured from the real kernel in the VM by packaging/vm/capture-fixtures:
/// every record must frame and decode, with nothing left over, and what the
/// kernel wrote must make sense (known types, ids of this boot, absolute
/// paths, the machine record).
final class KernelFixtureTests: XCTestCase {
    static var fixtureDirectory: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Fixtures/kernel")
    }

    func decodeAll() throws -> [String: [Record]] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: Self.fixtureDirectory.path)) ?? []
        let dumps = names.filter { $0.hasSuffix(".bin") }.sorted()
        XCTAssertTrue(dumps.contains("provenance0.bin") && dumps.contains("long_provenance0.bin"),
                      "run packaging/vm/capture-fixtures to refresh \(Self.fixtureDirectory.path)")
        var result: [String: [Record]] = [:]
        for name in dumps {
            let reader = try RelayReader(path: Self.fixtureDirectory.appendingPathComponent(name).path)
            var errors: [DecodeError] = []
            var records: [Record] = []
            while try reader.readAvailable(onRecord: { records.append($0) }, onError: { errors.append($0) }) > 0 {}
            XCTAssertEqual(errors, [], name)
            XCTAssertEqual(reader.pendingBytes, 0, "\(name): incomplete record at the end")
            result[name] = records
        }
        return result
    }

    /// Records of one channel, all CPUs.
    func channel(_ dumps: [String: [Record]], long: Bool) -> [Record] {
        dumps.filter { $0.key.hasPrefix("long_") == long }.sorted { $0.key < $1.key }.flatMap(\.value)
    }

    func testEveryKernelDumpDecodesCompletely() throws {
        let dumps = try decodeAll()
        XCTAssertGreaterThan(channel(dumps, long: false).count, 100)
        XCTAssertGreaterThan(channel(dumps, long: true).count, 10)
    }

    /// The VM kernel captures from boot: what was recorded before
    /// relay_conf comes out of the boot buffer first, flagged as replayed,
    /// right after the machine record; nothing replayed follows a live record.
    func testBootBufferIsReplayedFirst() throws {
        let dumps = try decodeAll()
        var replayed = 0
        for (name, records) in dumps {
            var live = false
            for record in records where record.kind != .machine {
                let isReplayed = record.header.flags & UInt8(PROV_RECORD_REPLAYED) != 0
                if isReplayed {
                    replayed += 1
                    XCTAssertFalse(live, "\(name): replayed record after a live one")
                } else {
                    live = true
                }
            }
        }
        XCTAssertGreaterThan(replayed, 100, "no boot-buffer records in the fixtures")
        let long0 = dumps["long_provenance0.bin"] ?? []
        XCTAssertEqual(long0.first?.kind, .machine, "the machine record opens the long channel")
    }

    func testShortAndLongChannelsCarryTheirKinds() throws {
        let dumps = try decodeAll()
        let short = Set(channel(dumps, long: false).map(\.kind))
        let long = Set(channel(dumps, long: true).map(\.kind))
        XCTAssertTrue([.relation, .task, .proc, .inode, .iattr].allSatisfy(short.contains), "\(short)")
        XCTAssertTrue([.path, .arg, .machine].allSatisfy(long.contains), "\(long)")
        XCTAssertTrue(short.isDisjoint(with: [.path, .arg, .machine, .string, .address, .xattr]))
        XCTAssertTrue(long.isDisjoint(with: [.relation, .task, .proc, .inode]))
    }

    func testTypesAndIdentitiesAreConsistent() throws {
        let records = try decodeAll().values.flatMap { $0 }
        var bootIDs = Set<UInt32>(), machineIDs = Set<UInt32>()
        for record in records {
            let type = record.identifier.type
            if case .relation(let relation) = record.payload {
                XCTAssertNotNil(RelationType(rawValue: type).name, String(type, radix: 16))
                XCTAssertFalse(relation.sender.isZero)
                XCTAssertFalse(relation.receiver.isZero)
                XCTAssertNotNil(NodeType(rawValue: relation.sender.type).name)
                XCTAssertNotNil(NodeType(rawValue: relation.receiver.type).name)
            } else {
                XCTAssertNotNil(NodeType(rawValue: type).name, String(type, radix: 16))
                XCTAssertEqual(NodeType(rawValue: type).isLong,
                               [.path, .arg, .machine, .string, .address, .xattr, .packetContent, .disc]
                                .contains(record.kind))
            }
            bootIDs.insert(record.identifier.bootID)
            machineIDs.insert(record.identifier.machineID)
            XCTAssertEqual(record.header.size % 8, 0)
        }
        XCTAssertEqual(bootIDs.count, 1, "one boot: \(bootIDs)")
        XCTAssertEqual(machineIDs.count, 1, "one machine: \(machineIDs)")
        XCTAssertFalse(bootIDs.contains(0))
        XCTAssertFalse(machineIDs.contains(0))
    }

    func testPathsAreAbsoluteAndTheMachineIsLinux() throws {
        let long = channel(try decodeAll(), long: true)
        var paths: [String] = []
        var machines: [MachineInfo] = []
        for record in long {
            switch record.payload {
            case .path(let text):
                paths.append(String(decoding: text.bytes, as: UTF8.self))
                XCTAssertFalse(text.truncated)
            case .machine(let machine):
                machines.append(machine)
            default:
                break
            }
        }
        XCTAssertFalse(paths.isEmpty)
        // absolute, or the name of an object of a pseudo file system ("pipe:[42]")
        let named = { (path: String) in path.hasPrefix("/") || path.range(of: #"^[a-z_]+:\[\d+\]$"#, options: .regularExpression) != nil }
        XCTAssertTrue(paths.allSatisfy(named), "\(paths.filter { !named($0) })")
        XCTAssertTrue(paths.contains("/tmp/a"), "the fixture workload's /tmp/a is named")
        XCTAssertEqual(machines.first.map { String(decoding: $0.sysname, as: UTF8.self) }, "Linux")
    }
}
