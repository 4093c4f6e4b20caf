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

/// The recorder configuration of `/etc/camflowd.ini` (reference §3.1, plus
/// the keys this implementation adds: TLS, client id, keepalive, spool,
/// queue size and statistics interval).
public struct RecorderConfiguration: Equatable, Sendable {
    public var output: OutputKind
    public var format: OutputFormat
    /// `[log] path`.
    public var logPath: String?
    /// `[mqtt]` keys.
    public var mqtt = MQTTSettings()
    /// `[unix] address`.
    public var unixAddress: String?
    /// `[fifo] path`.
    public var fifoPath: String?
    /// `[spool] path` and `max_size`: where chunks wait while a network
    /// output cannot take them.
    public var spool: SpoolSettings?
    /// `[general] queue_size`: bytes of serialised output held in memory
    /// between the readers and the writer.
    public var queueBytes: Int = 32 << 20
    /// `[general] stats_interval`: seconds between statistics lines (0: only at exit).
    public var statsIntervalSeconds: Int = 60

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
    /// Broker URI: `host:port`, `tcp://host:port` or `ssl://host:port`.
    public var address: String?
    public var username: String?
    public var password: String?
    /// 0 at most once, 1 at least once, 2 exactly once.
    public var qos: Int = 0
    /// Topic prefix; the topic is prefix + decimal machine id.
    public var topic: String = ""
    /// Client id; nil means the decimal machine id (as the original).
    public var clientID: String?
    /// MQTT keep-alive interval in seconds.
    public var keepAliveSeconds: Int = 20
    /// PEM file of the certificate authorities that sign the broker's certificate.
    public var caFile: String?
    /// PEM client certificate (TLS client authentication).
    public var certFile: String?
    /// PEM private key of the client certificate (defaults to `certFile`).
    public var keyFile: String?
    /// Creates a value from its fields.
    public init() {}

    /// Whether the connection uses TLS (`ssl://` or `mqtts://` address).
    public var usesTLS: Bool {
        guard let address else { return false }
        return address.hasPrefix("ssl://") || address.hasPrefix("mqtts://")
    }
}

/// `[spool]` keys.
public struct SpoolSettings: Equatable, Sendable {
    /// Directory holding the spool segment files.
    public var directory: String
    /// Bytes the spool may hold; chunks beyond it are dropped and counted.
    public var maxBytes: Int
    /// Creates a value from its fields.
    public init(directory: String, maxBytes: Int) {
        self.directory = directory
        self.maxBytes = maxBytes
    }
}

/// The result of reading `/etc/camflowd.ini`.
public struct LoadedRecorderConfiguration: Sendable {
    public var configuration: RecorderConfiguration
    /// Warnings to print (world-readable password), one line each.
    public var warnings: [String]
}
