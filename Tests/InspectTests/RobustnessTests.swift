import Foundation
@testable import Inspect
import Testing

/// Broken input never crashes the reader: every truncation of a recorded
/// line is reported as invalid, and random corruption is either rejected
/// or still parses into identifiers.
@Suite struct RobustnessTests {
    static func recordedLine() throws -> String {
        let text = try String(contentsOfFile: Fixtures.path("vm-demo.w3c.log"), encoding: .utf8)
        return String(try #require(text.split(separator: "\n").min { $0.count < $1.count }))
    }

    @Test func everyTruncationOfARecordedLineIsInvalid() throws {
        let line = try Self.recordedLine()
        let bytes = Array(line.utf8)
        var checked = 0
        for length in stride(from: 1, to: bytes.count, by: 3) {
            var parser = LogLineParser()
            var recorder = ElementRecorder()
            let result: LineProblem? = bytes[0..<length].withUnsafeBufferPointer { buffer in
                do throws(LineProblem) {
                    try parser.parse(buffer, into: &recorder)
                    return nil
                } catch {
                    return error
                }
            }
            #expect(result != nil, "a line cut at \(length) bytes was accepted")
            #expect(recorder.seen.isEmpty)
            checked += 1
        }
        #expect(checked > 100)
    }

    @Test func randomCorruptionIsRejectedOrParsed() throws {
        let line = Array(try Self.recordedLine().utf8)
        var generator = SystemRandomNumberGenerator()
        var rejected = 0
        for _ in 0..<2000 {
            var bytes = line
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
            }
            var parser = LogLineParser()
            var recorder = ElementRecorder()
            bytes.withUnsafeBufferPointer { buffer in
                do throws(LineProblem) {
                    try parser.parse(buffer, into: &recorder)
                    #expect(!recorder.seen.isEmpty)
                } catch {
                    rejected += 1
                    #expect(error.column >= 0 && error.column <= bytes.count + 1, "\(error)")
                }
            }
        }
        #expect(rejected > 0)
    }
}
