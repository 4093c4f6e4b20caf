import Foundation
import Glibc
import XCTest
@testable import Sinks

/// Collects the pipeline's messages.
final class Messages: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    var reporter: OutputPipeline.Reporter {
        { [self] message, error in lock.withLock { lines.append((error ? "error: " : "") + message) } }
    }
    var all: [String] { lock.withLock { lines } }
}

/// Numbered test chunks: W3C-like documents with `elements` elements each.
func w3cDocument(_ first: Int, elements: Int, padding: Int = 0) -> [UInt8] {
    var parts: [String] = []
    for i in first..<(first + elements) {
        parts.append("\"cf:\(i)\":{\"cf:id\":\"\(i)\",\"pad\":\"\(String(repeating: "p", count: padding))\"}")
    }
    let doc = "{\"prefix\":{\"prov\" : \"http://www.w3.org/ns/prov\", \"cf\":\"http://www.camflow.org\"}, \"entity\":{"
        + parts.joined(separator: ",") + "}}"
    return Array(doc.utf8)
}

/// The element ids (numbers) of a W3C-like document.
func elementNumbers(_ document: [UInt8]) throws -> [Int] {
    let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(document)) as? [String: Any])
    var ids: [Int] = []
    for (key, value) in json where key != "prefix" {
        for id in (value as? [String: Any] ?? [:]).keys {
            ids.append(try XCTUnwrap(Int(id.dropFirst(3))))
        }
    }
    return ids.sorted()
}
