import Glibc
import Ini

extension RecorderConfiguration {
    /// Every section and key this version understands.
    static let knownKeys: [String: Set<String>] = [
        "general": ["output", "format", "stats_interval", "queue_size"],
        "log": ["path"],
        "mqtt": ["address", "username", "password", "qos", "topic", "client_id", "keepalive",
                 "ca_file", "cert_file", "key_file"],
        "unix": ["address"],
        "fifo": ["path"],
        "spool": ["path", "max_size"],
    ]

    /// Default `[spool] max_size` (256 MiB).
    public static let defaultSpoolBytes = 256 << 20

    /// Reads and validates the configuration at `path`.
    ///
    /// - Throws: `IniError` if unreadable, `ConfigurationError` naming the
    ///   file, line and key otherwise (unknown sections and keys included).
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
        if let line = file.syntaxErrorLines.first {
            throw IniSyntaxError(path: file.path, line: line)
        }
        var output: (OutputKind, IniEntry)?
        var format: OutputFormat?
        var logPath: String?
        var mqtt = MQTTSettings()
        var unixAddress: String?
        var fifoPath: String?
        var spoolPath: (String, IniEntry)?
        var spoolBytes: Int?
        var queueBytes: Int?
        var statsInterval: Int?
        var tlsEntries: [IniEntry] = []
        for entry in file.entries {
            let v = entry.value
            func bad(_ message: String) -> ConfigurationError { ConfigurationError(file, entry, message) }
            guard let keys = knownKeys[entry.section] else {
                throw ConfigurationError(path: file.path, line: entry.line, section: entry.section, key: entry.key,
                                         value: nil, message: "is in an unknown section (known: \(knownKeys.keys.sorted().joined(separator: ", ")))")
            }
            guard keys.contains(entry.key) else {
                throw ConfigurationError(path: file.path, line: entry.line, section: entry.section, key: entry.key,
                                         value: nil, message: "is not a known key (known in [\(entry.section)]: \(keys.sorted().joined(separator: ", ")))")
            }
            switch (entry.section, entry.key) {
            case ("general", "output"):
                switch v {
                case "null", "log", "fifo", "mqtt": output = (OutputKind(rawValue: v) ?? .null, entry)
                case "unix", "unix_socket": output = (.unixSocket, entry)
                default: throw bad("unknown output (null, log, fifo, mqtt, unix or unix_socket)")
                }
            case ("general", "format"):
                guard let f = OutputFormat(rawValue: v) else { throw bad("unknown format (w3c or spade_json)") }
                format = f
            case ("general", "stats_interval"):
                guard let n = IniFile.unsigned(v), n <= 86_400 else {
                    throw bad("not a number of seconds from 0 (only at exit) to 86400")
                }
                statsInterval = Int(n)
            case ("general", "queue_size"):
                guard let n = parseSize(v), n >= 1 << 20, n <= 1 << 34 else {
                    throw bad("not a size from 1M to 16G (bytes, or with a K, M or G suffix)")
                }
                queueBytes = n
            case ("log", "path"): logPath = try nonEmptyPath(v, bad)
            case ("fifo", "path"): fifoPath = try nonEmptyPath(v, bad)
            case ("unix", "address"):
                let p = try nonEmptyPath(v, bad)
                guard p.utf8.count < 108 else { throw bad("longer than a UNIX socket address (107 bytes)") }
                unixAddress = p
            case ("spool", "path"): spoolPath = (try nonEmptyPath(v, bad), entry)
            case ("spool", "max_size"):
                guard let n = parseSize(v), n >= 1 << 16 else {
                    throw bad("not a size of at least 64K (bytes, or with a K, M or G suffix)")
                }
                spoolBytes = n
            case ("mqtt", "address"):
                let schemes = ["tcp", "ssl", "mqtt", "mqtts", "ws", "wss"]
                var scheme: String?
                if let colon = v.firstIndex(of: ":"), v[colon...].hasPrefix("://") { scheme = String(v[..<colon]) }
                guard !v.isEmpty, !v.contains(" "), scheme.map(schemes.contains) ?? true,
                      !(v.split(separator: "/").last ?? "").isEmpty
                else { throw bad("not a broker address (host:port, tcp://host:port or ssl://host:port)") }
                mqtt.address = v
            case ("mqtt", "username"): mqtt.username = v
            case ("mqtt", "password"): mqtt.password = v
            case ("mqtt", "qos"):
                guard let q = IniFile.unsigned(v), q <= 2 else { throw bad("not 0, 1 or 2") }
                mqtt.qos = Int(q)
            case ("mqtt", "topic"):
                guard !v.contains("+"), !v.contains("#"), v.utf8.count <= 200 else {
                    throw bad("not a topic prefix (no + or # wildcards, at most 200 bytes)")
                }
                mqtt.topic = v
            case ("mqtt", "client_id"):
                guard !v.isEmpty, v.utf8.count <= 23 else { throw bad("not a client id of 1 to 23 bytes") }
                mqtt.clientID = v
            case ("mqtt", "keepalive"):
                guard let n = IniFile.unsigned(v), n >= 5, n <= 3600 else { throw bad("not a number of seconds from 5 to 3600") }
                mqtt.keepAliveSeconds = Int(n)
            case ("mqtt", "ca_file"), ("mqtt", "cert_file"), ("mqtt", "key_file"):
                let p = try nonEmptyPath(v, bad)
                guard access(p, R_OK) == 0 else { throw bad("cannot be read: \(String(cString: strerror(errno)))") }
                switch entry.key {
                case "ca_file": mqtt.caFile = p
                case "cert_file": mqtt.certFile = p
                default: mqtt.keyFile = p
                }
                tlsEntries.append(entry)
            default:
                break
            }
        }
        guard let (outputKind, outputEntry) = output else {
            throw ConfigurationError.missing(file.path, section: "general", key: "output")
        }
        guard let format else { throw ConfigurationError.missing(file.path, section: "general", key: "format") }
        var config = RecorderConfiguration(output: outputKind, format: format)
        config.logPath = logPath
        config.mqtt = mqtt
        config.unixAddress = unixAddress
        config.fifoPath = fifoPath
        if let queueBytes { config.queueBytes = queueBytes }
        if let statsInterval { config.statsIntervalSeconds = statsInterval }
        switch outputKind {
        case .log where logPath == nil: throw ConfigurationError.missing(file.path, section: "log", key: "path")
        case .fifo where fifoPath == nil: throw ConfigurationError.missing(file.path, section: "fifo", key: "path")
        case .unixSocket where unixAddress == nil:
            throw ConfigurationError.missing(file.path, section: "unix", key: "address")
        case .mqtt where mqtt.address == nil:
            throw ConfigurationError.missing(file.path, section: "mqtt", key: "address")
        default: break
        }
        if outputKind == .mqtt, let entry = tlsEntries.first, !mqtt.usesTLS {
            throw ConfigurationError(file, entry, "TLS files need an ssl:// (or mqtts://) [mqtt] address")
        }
        if outputKind == .mqtt, mqtt.keyFile != nil, mqtt.certFile == nil, let entry = tlsEntries.first(where: { $0.key == "key_file" }) {
            throw ConfigurationError(file, entry, "a client key needs [mqtt] cert_file")
        }
        if let (path, entry) = spoolPath {
            guard [.mqtt, .unixSocket, .fifo].contains(outputKind) else {
                throw ConfigurationError(file, entry, "a spool is used by output=mqtt, unix or fifo, not by output=\(outputEntry.value)")
            }
            config.spool = SpoolSettings(directory: path, maxBytes: spoolBytes ?? defaultSpoolBytes)
        }
        return LoadedRecorderConfiguration(configuration: config, warnings: [])
    }

    private static func nonEmptyPath(_ value: String, _ bad: (String) -> ConfigurationError) throws -> String {
        guard !value.isEmpty else { throw bad("is empty") }
        guard !value.utf8.contains(0), value.utf8.count < 4096 else { throw bad("not a path") }
        return value
    }

    /// Parses `123`, `64K`, `16M`, `1G` (binary multiples, case-insensitive).
    static func parseSize(_ text: String) -> Int? {
        var digits = Substring(text)
        var multiplier = 1
        switch text.last.map({ Character($0.lowercased()) }) {
        case "k": multiplier = 1 << 10
        case "m": multiplier = 1 << 20
        case "g": multiplier = 1 << 30
        default: break
        }
        if multiplier > 1 { digits = digits.dropLast() }
        guard let n = IniFile.unsigned(String(digits)), n <= UInt64(1) << 40 else { return nil }
        let (product, overflow) = Int(n).multipliedReportingOverflow(by: multiplier)
        return overflow ? nil : product
    }
}

/// A line of the recorder configuration that is not a section header, a
/// `key=value` pair or a comment.
public struct IniSyntaxError: Error, Equatable, CustomStringConvertible {
    public var path: String
    public var line: Int
    public var description: String { "\(path):\(line): not a [section], key=value or comment line" }
}
