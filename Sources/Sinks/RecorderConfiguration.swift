import Glibc
import Ini

/// Output selection of `[general] output`.
public enum OutputKind: String, Sendable, Equatable {
    case null, log, fifo, mqtt
    /// `unix` and `unix_socket` (the documented spelling) both select it.
    case unixSocket = "unix"
}

/// Serialisation format of `[general] format`.
public enum OutputFormat: String, Sendable, Equatable {
    case w3c
    case spadeJSON = "spade_json"
}

/// The recorder configuration of `/etc/camflowd.ini` (reference §3.1).
public struct RecorderConfiguration: Equatable, Sendable {
    public var output: OutputKind
    public var format: OutputFormat
    /// `[log] path`.
    public var logPath: String?
    /// `[mqtt]` keys (parsed for later versions).
    public var mqtt = MQTTSettings()
    /// `[unix] address`.
    public var unixAddress: String?
    /// `[fifo] path`.
    public var fifoPath: String?

    /// Creates a value from its fields.
    public init(output: OutputKind, format: OutputFormat) {
        self.output = output
        self.format = format
    }

    /// The default path of the recorder configuration.
    public static let defaultPath = "/etc/camflowd.ini"
}

/// `[mqtt]` keys.
public struct MQTTSettings: Equatable, Sendable {
    public var address: String?
    public var username: String?
    public var password: String?
    public var qos: Int = 0
    public var topic: String?
    /// Creates a value from its fields.
    public init() {}
}

/// The result of reading `/etc/camflowd.ini`.
public struct LoadedRecorderConfiguration: Sendable {
    public var configuration: RecorderConfiguration
    /// Warnings to print (unknown keys, world-readable password...), one line each.
    public var warnings: [String]
}

extension RecorderConfiguration {
    static let sections: [String: Set<String>] = [
        "general": ["output", "format"],
        "log": ["path"],
        "mqtt": ["address", "username", "password", "qos", "topic"],
        "unix": ["address"],
        "fifo": ["path"],
    ]

    /// Reads and validates the configuration at `path`.
    ///
    /// Only `output=log` with `format=w3c` is implemented in this version:
    /// other recognised values are refused with a "not supported yet" error
    /// naming the key.
    /// - Throws: `IniError` if unreadable, `ConfigurationError` naming the key otherwise.
    public static func load(path: String = defaultPath) throws -> LoadedRecorderConfiguration {
        let file = try IniFile(path: path)
        var loaded = try parse(file)
        if loaded.configuration.mqtt.password.map({ !$0.isEmpty }) == true {
            var st = stat()
            if stat(path, &st) == 0 && st.st_mode & S_IROTH != 0 {
                loaded.warnings.append("\(path): holds an MQTT password but is world-readable (chmod 600 it)")
            }
        }
        return loaded
    }

    /// Validates a parsed ini file.
    public static func parse(_ file: IniFile) throws -> LoadedRecorderConfiguration {
        var output: (OutputKind, IniEntry)?
        var format: (OutputFormat, IniEntry)?
        var logPath: String?
        var mqtt = MQTTSettings()
        var unixAddress: String?
        var fifoPath: String?
        for entry in file.entries {
            let v = entry.value
            switch (entry.section, entry.key) {
            case ("general", "output"):
                switch v {
                case "null", "log", "fifo", "mqtt": output = (OutputKind(rawValue: v) ?? .null, entry)
                case "unix", "unix_socket": output = (.unixSocket, entry)
                default:
                    throw ConfigurationError(file, entry, "unknown output (null, log, fifo, mqtt, unix or unix_socket)")
                }
            case ("general", "format"):
                guard let f = OutputFormat(rawValue: v) else {
                    throw ConfigurationError(file, entry, "unknown format (w3c or spade_json)")
                }
                format = (f, entry)
            case ("log", "path"): logPath = v
            case ("mqtt", "address"): mqtt.address = v
            case ("mqtt", "username"): mqtt.username = v
            case ("mqtt", "password"): mqtt.password = v
            case ("mqtt", "qos"):
                guard let q = IniFile.unsigned(v), q <= 2 else {
                    throw ConfigurationError(file, entry, "not 0, 1 or 2")
                }
                mqtt.qos = Int(q)
            case ("mqtt", "topic"): mqtt.topic = v
            case ("unix", "address"): unixAddress = v
            case ("fifo", "path"): fifoPath = v
            default: break
            }
        }
        guard let (outputKind, outputEntry) = output else {
            throw ConfigurationError.missing(file.path, section: "general", key: "output")
        }
        guard let (formatKind, formatEntry) = format else {
            throw ConfigurationError.missing(file.path, section: "general", key: "format")
        }
        guard outputKind == .log else {
            throw ConfigurationError(file, outputEntry, "not supported yet (only output=log is available)")
        }
        guard formatKind == .w3c else {
            throw ConfigurationError(file, formatEntry, "not supported yet (only format=w3c is available)")
        }
        guard let logPath, !logPath.isEmpty else {
            throw ConfigurationError.missing(file.path, section: "log", key: "path")
        }
        var config = RecorderConfiguration(output: outputKind, format: formatKind)
        config.logPath = logPath
        config.mqtt = mqtt
        config.unixAddress = unixAddress
        config.fifoPath = fifoPath
        let warnings = file.warnings(knownSections: Set(sections.keys)) { section, key in
            sections[section]?.contains(key) ?? false
        }
        return LoadedRecorderConfiguration(configuration: config, warnings: warnings)
    }
}
