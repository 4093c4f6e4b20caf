import ArgumentParser
import Capture
import Policy
import Sinks

/// `camflow record` (`camflowd`): read the relay channels and write W3C
/// PROV-JSON or SPADE JSON to the output of /etc/camflowd.ini until SIGTERM
/// or SIGINT.
struct RecordCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record",
        abstract: "Record provenance from the kernel to the output of /etc/camflowd.ini.",
        discussion: """
            Outputs: null, log, fifo, unix (unix_socket) and mqtt; formats w3c and \
            spade_json. Runs until SIGTERM or SIGINT, then flushes the kernel's relay \
            buffers, reads what is left, writes it (waiting up to 10 s for an output that \
            is down, then keeping the rest in the spool if one is configured) and exits 0. \
            SIGHUP reopens the output (log rotation). Statistics are logged every \
            [general] stats_interval seconds and at exit. Requires `camflow configure \
            --apply` to have configured the relay.
            """)

    @Option(help: ArgumentHelp("Recorder configuration file.", valueName: "path"))
    var config = RecorderConfiguration.defaultPath

    @Option(name: .customLong("relay-root"),
            help: ArgumentHelp("debugfs directory holding the relay files.", valueName: "dir"))
    var relayRoot = RelayDiscovery.defaultRoot

    @Option(name: .customLong("securityfs-root"),
            help: ArgumentHelp("securityfs directory of the provenance LSM.", valueName: "dir"))
    var securityFSRoot = SecurityFS.defaultRoot

    func run() throws {
        let recorder = Recorder(configPath: config, relayRoot: relayRoot, securityFSRoot: securityFSRoot)
        recorder.run()
    }
}
