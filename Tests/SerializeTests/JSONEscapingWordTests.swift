import XCTest
@testable import Serialize

/// `appendEscaped` skips plain bytes eight at a time; every special byte at
/// every position and length must still be escaped exactly as an
/// independent escaper (through Swift's own UTF-8 decoding) does it.
final class JSONEscapingWordTests: XCTestCase {
    /// Reference: decode with U+FFFD replacement, then escape per scalar.
    func reference(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        for scalar in String(decoding: bytes, as: UTF8.self).unicodeScalars {
            switch scalar.value {
            case 0x22: out += Array(#"\""#.utf8)
            case 0x5C: out += Array(#"\\"#.utf8)
            case 0x08: out += Array(#"\b"#.utf8)
            case 0x0C: out += Array(#"\f"#.utf8)
            case 0x0A: out += Array(#"\n"#.utf8)
            case 0x0D: out += Array(#"\r"#.utf8)
            case 0x09: out += Array(#"\t"#.utf8)
            case 0..<0x20: out += Array(String(format: "\\u%04x", scalar.value).utf8)
            default: out += Array(String(scalar).utf8)
            }
        }
        return out
    }

    func escaped(_ bytes: [UInt8]) -> [UInt8] {
        var buffer = ByteBuffer(capacity: 16)
        bytes.withUnsafeBufferPointer { buffer.appendEscaped($0) }
        return buffer.array
    }

    func testEverySpecialByteAtEveryPosition() {
        let specials: [[UInt8]] = [[0x22], [0x5C], [0x00], [0x1F], [0x0A], [0x7F], [0xC3, 0xA9], [0xE2, 0x82, 0xAC],
                                   [0xF0, 0x9F, 0x98, 0x80], [0xFF], [0xC3], [0xED, 0xA0, 0x80], [0x20], [0x21]]
        for length in 0...24 {
            for special in specials {
                for position in 0...length {
                    var bytes = Array(repeating: UInt8(ascii: "a"), count: length)
                    bytes.insert(contentsOf: special, at: position)
                    XCTAssertEqual(escaped(bytes), reference(bytes), "\(special) at \(position) of \(length)")
                }
            }
        }
    }

    func testRandomBytes() {
        var generator = SystemRandomNumberGenerator()
        let alphabet: [UInt8] = Array(0x20...0x7E) + [0x22, 0x5C, 0x00, 0x09, 0x1F, 0x80, 0xBF, 0xC3, 0xE2, 0xF0, 0xFF]
        for _ in 0..<3000 {
            let length = Int.random(in: 0...64, using: &generator)
            let bytes = (0..<length).map { _ in alphabet.randomElement(using: &generator) ?? 0 }
            XCTAssertEqual(escaped(bytes), reference(bytes), "\(bytes)")
        }
    }
}
