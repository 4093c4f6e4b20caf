import Foundation

/// A temporary directory of real files, removed at deinit; shared by the
/// test targets.
public final class TempDir {
    /// The directory.
    public let path: String

    /// Creates `$TMPDIR/<prefix>-<uuid>`.
    public init(_ prefix: String = "camflow-test") throws {
        path = NSTemporaryDirectory() + "\(prefix)-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// Creates (or replaces) the file `name` (parent directories created)
    /// holding `contents`; returns its path.
    @discardableResult
    public func file(_ name: String, _ contents: [UInt8] = []) -> String {
        let p = path + "/" + name
        try? FileManager.default.createDirectory(atPath: (p as NSString).deletingLastPathComponent,
                                                 withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: p, contents: Data(contents))
        return p
    }

    /// Creates (or replaces) the file `name` holding `contents`; returns its path.
    @discardableResult
    public func text(_ name: String, _ contents: String) -> String { file(name, Array(contents.utf8)) }

    /// Creates the directory `name` (and its parents); returns its path.
    @discardableResult
    public func dir(_ name: String) -> String {
        let p = path + "/" + name
        try? FileManager.default.createDirectory(atPath: p, withIntermediateDirectories: true)
        return p
    }

    /// The bytes of the file `name` (empty when it cannot be read).
    public func bytes(_ name: String) -> [UInt8] {
        (try? [UInt8](Data(contentsOf: URL(fileURLWithPath: path + "/" + name)))) ?? []
    }
}
