import Glibc
import Logging

/// swift-log handler writing one line per message to stderr:
/// `<program>: <message>` for info and below, `<program>: <level>: <message>`
/// for warnings and errors. No timestamp (journald adds its own).
struct StderrLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    init(label: String) {
        self.label = label
        if let env = getenv("CAMFLOW_LOG_LEVEL"), let level = Logger.Level(rawValue: String(cString: env)) {
            logLevel = level
        }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var line = label + ": "
        switch event.level {
        case .warning, .error, .critical: line += "\(event.level): "
        default: break
        }
        line += event.message.description
        line += "\n"
        var bytes = Array(line.utf8)
        bytes.withUnsafeMutableBytes { buf in
            var done = 0
            while done < buf.count {
                guard let base = buf.baseAddress else { return }
                let n = write(2, base + done, buf.count - done)
                if n < 0 { if errno == EINTR { continue }; return }
                done += n
            }
        }
    }
}

/// The name the program was invoked as (argv[0] basename): camflow, camflowd or camconfd.
let invokedAs: String = {
    guard let first = CommandLine.arguments.first else { return "camflow" }
    return first.split(separator: "/").last.map(String.init) ?? "camflow"
}()

/// The process-wide logger (stderr), labelled with the invoked name.
/// Initialised on first use, which bootstraps swift-log.
let log: Logger = {
    LoggingSystem.bootstrap { label in StderrLogHandler(label: label) }
    return Logger(label: invokedAs)
}()

/// Logs `message` as an error (one line on stderr) and exits with status 1.
func fail(_ message: String) -> Never {
    log.error("\(message)")
    exit(1)
}
