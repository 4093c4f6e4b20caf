import ArgumentParser
import Capture
import Policy
import Sinks

/// `camflow record` (`camflowd`): read the relay channels and write W3C
/// PROV-JSON to the configured output until SIGTERM or SIGINT.
struct RecordCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record",
        abstract: "Record provenance from the kernel to the output of /etc/camflowd.ini.",
        discussion: """
            Runs until SIGTERM or SIGINT, then flushes the kernel's relay buffers, reads \
            what is left, writes it and exits 0. SIGHUP reopens the output file (log \
            rotation). Requires `camflow configure --apply` to have configured the relay.
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
