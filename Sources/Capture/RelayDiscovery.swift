import CProvenanceABI
import Glibc
import Provenance

/// The two relay channels of the kernel.
public enum RelayChannel: Sendable, Equatable, Comparable {
    /// `provenance<cpu>`: relations and fixed-size nodes.
    case short
    /// `long_provenance<cpu>`: nodes carrying a payload.
    case long
}

/// One per-CPU relay file.
public struct RelayFile: Sendable, Equatable {
    public var path: String
    public var channel: RelayChannel
    public var cpu: Int

    /// Creates a value from its fields.
    public init(path: String, channel: RelayChannel, cpu: Int) {
        self.path = path
        self.channel = channel
        self.cpu = cpu
    }
}

/// Discovery failures.
public enum RelayDiscoveryError: Error, Equatable, CustomStringConvertible {
    /// The directory could not be listed.
    case unreadableRoot(path: String, reason: String)
    /// No `provenance<N>` or `long_provenance<N>` file in the directory.
    case noRelayFiles(root: String)

    public var description: String {
        switch self {
        case let .unreadableRoot(path, reason):
            return "cannot list relay directory \(path): \(reason)"
        case let .noRelayFiles(root):
            return "no relay files under \(root) (has `camflow configure --apply` run?)"
        }
    }
}

/// Finds the relay files (`provenance<N>`, `long_provenance<N>`) under a
/// debugfs directory, default `/sys/kernel/debug`.
public enum RelayDiscovery {
    /// The default debugfs mount point.
    public static let defaultRoot = "/sys/kernel/debug"

    /// Lists the relay files under `root`, short channel first, by CPU.
    /// - Throws: `RelayDiscoveryError` when the directory is unreadable or has none.
    public static func discover(root: String = defaultRoot) throws -> [RelayFile] {
        guard let dir = opendir(root) else {
            throw RelayDiscoveryError.unreadableRoot(path: root, reason: String(cString: strerror(errno)))
        }
        defer { closedir(dir) }
        var files: [RelayFile] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw -> String in
                let end = raw.firstIndex(of: 0) ?? raw.count
                return String(decoding: raw[0..<end], as: UTF8.self)
            }
            if let (channel, cpu) = parse(name) {
                let sep = root.hasSuffix("/") ? "" : "/"
                files.append(RelayFile(path: root + sep + name, channel: channel, cpu: cpu))
            }
        }
        if files.isEmpty { throw RelayDiscoveryError.noRelayFiles(root: root) }
        return files.sorted { ($0.channel, $0.cpu) < ($1.channel, $1.cpu) }
    }

    /// Parses a relay file name into its channel and CPU number.
    static func parse(_ name: String) -> (RelayChannel, Int)? {
        let longPrefix = PROV_LONG_RELAY_NAME
        let shortPrefix = PROV_RELAY_NAME
        let channel: RelayChannel
        let digits: Substring
        if name.hasPrefix(longPrefix) {
            channel = .long
            digits = name.dropFirst(longPrefix.count)
        } else if name.hasPrefix(shortPrefix) {
            channel = .short
            digits = name.dropFirst(shortPrefix.count)
        } else {
            return nil
        }
        guard !digits.isEmpty, digits.count <= 6, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
              let cpu = Int(digits)
        else { return nil }
        return (channel, cpu)
    }
}

/// Reads the kernel's count of lost records (`dropped` in securityfs).
public enum DropCounter {
    /// The default securityfs directory of the provenance LSM.
    public static let defaultSecurityFSRoot = "/sys/kernel/security/provenance"

    /// Reads `struct prov_dropped` from `<root>/dropped`.
    /// - Throws: `SystemError` naming the file.
    public static func read(securityFSRoot root: String = defaultSecurityFSRoot) throws -> UInt64 {
        let path = root.hasSuffix("/") ? root + "dropped" : root + "/dropped"
        return try SystemFile.readValue(prov_dropped.self, from: path).count
    }
}
