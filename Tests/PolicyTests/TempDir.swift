import Foundation

/// A temporary directory removed at deinit.
final class TempDir {
    let path: String

    init(_ name: String = "camflow-policy") throws {
        path = NSTemporaryDirectory() + "\(name)-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    func file(_ name: String, _ contents: [UInt8] = []) -> String {
        let p = path + "/" + name
        FileManager.default.createFile(atPath: p, contents: Data(contents))
        return p
    }

    func text(_ name: String, _ contents: String) -> String { file(name, Array(contents.utf8)) }

    func bytes(_ name: String) -> [UInt8] {
        (try? [UInt8](Data(contentsOf: URL(fileURLWithPath: path + "/" + name)))) ?? []
    }
}
