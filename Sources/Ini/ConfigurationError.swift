/// A configuration file with a bad or missing value.
///
/// The description is one line naming the file (and line), the section and
/// key, and what is wrong, e.g.
/// `/etc/camflow.ini:9: [relay] buff_exp=99: out of range 13...24`.
public struct ConfigurationError: Error, Equatable, CustomStringConvertible {
    public var path: String
    /// 1-based line, nil for a missing key.
    public var line: Int?
    public var section: String
    public var key: String
    /// The offending value, nil for a missing key.
    public var value: String?
    public var message: String

    /// Creates a value from its fields.
    public init(path: String, line: Int?, section: String, key: String, value: String?, message: String) {
        self.path = path
        self.line = line
        self.section = section
        self.key = key
        self.value = value
        self.message = message
    }

    /// An error about `entry`'s value.
    public init(_ file: IniFile, _ entry: IniEntry, _ message: String) {
        self.init(path: file.path, line: entry.line, section: entry.section, key: entry.key,
                  value: entry.value, message: message)
    }

    /// An error about a key that must be present.
    public static func missing(_ path: String, section: String, key: String) -> ConfigurationError {
        ConfigurationError(path: path, line: nil, section: section, key: key, value: nil,
                           message: "is not set")
    }

    public var description: String {
        let location = line.map { "\(path):\($0)" } ?? path
        if let value {
            return "\(location): [\(section)] \(key)=\(value): \(message)"
        }
        return "\(location): [\(section)] \(key) \(message)"
    }
}

extension IniFile {
    /// Warnings for entries the caller does not know and for lines inih
    /// could not parse: one line each, naming `file:line`.
    ///
    /// - Parameter isKnown: whether a (section, key) pair is known; unknown
    ///   sections get one warning (at their first entry), unknown keys of
    ///   known sections one warning per entry.
    public func warnings(knownSections: Set<String>,
                         isKnown: (_ section: String, _ key: String) -> Bool) -> [String] {
        var result: [String] = []
        var reportedSections: Set<String> = []
        for entry in entries where !isKnown(entry.section, entry.key) {
            if !knownSections.contains(entry.section) {
                if reportedSections.insert(entry.section).inserted {
                    result.append("\(path):\(entry.line): unknown section [\(entry.section)] (ignored)")
                }
            } else {
                result.append("\(path):\(entry.line): unknown key '\(entry.key)' in [\(entry.section)] (ignored)")
            }
        }
        for line in syntaxErrorLines {
            result.append("\(path):\(line): not a [section], key=value or comment (ignored)")
        }
        return result
    }

    /// Parses a boolean value: true/false, yes/no, on/off, 1/0 (any case).
    public static func boolean(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "true", "yes", "on", "1": return true
        case "false", "no", "off", "0": return false
        default: return nil
        }
    }

    /// Parses a decimal unsigned integer (digits only).
    public static func unsigned(_ text: String) -> UInt64? {
        guard !text.isEmpty, text.count <= 20, text.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return UInt64(text)
    }
}
