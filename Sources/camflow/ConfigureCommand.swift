import ArgumentParser
import Ini
import Policy
import Provenance

/// `camflow configure` (`camconfd`): read the capture policy and, with
/// `--apply`, write it to the kernel.
struct ConfigureCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "configure",
        abstract: "Check the capture policy (/etc/camflow.ini) or apply it to the kernel.",
        discussion: """
            Without --apply, the file is checked and the settings printed. With --apply \
            (what camconfd does at boot) the relay is configured first (once per boot: the \
            boot id file is incremented only when the kernel's boot_id still reads 0), then \
            capture is enabled or disabled and whole-system capture set.
            """)

    @Flag(help: "Write the policy to the kernel through securityfs.")
    var apply = false

    @Option(help: ArgumentHelp("Capture policy file.", valueName: "path"))
    var config = CaptureConfiguration.defaultPath

    @Option(name: .customLong("securityfs-root"),
            help: ArgumentHelp("securityfs directory of the provenance LSM.", valueName: "dir"))
    var securityFSRoot = SecurityFS.defaultRoot

    @Option(name: .customLong("machine-id-file"),
            help: ArgumentHelp("Persistent machine id file (4 bytes).", valueName: "path"))
    var machineIDFile = IdentityFiles.defaultMachineIDPath

    @Option(name: .customLong("boot-id-file"),
            help: ArgumentHelp("Boot counter file (4 bytes).", valueName: "path"))
    var bootIDFile = IdentityFiles.defaultBootIDPath

    func run() throws {
        let loaded: LoadedCaptureConfiguration
        do {
            loaded = try CaptureConfiguration.load(path: config)
        } catch {
            fail("\(error)")
        }
        for warning in loaded.warnings { log.warning("\(warning)") }
        let policy = loaded.configuration
        guard apply else {
            print(summary(policy))
            return
        }
        let applier = PolicyApplier(
            securityFS: SecurityFS(root: securityFSRoot),
            identityFiles: IdentityFiles(machineIDPath: machineIDFile, bootIDPath: bootIDFile))
        let report: ApplyReport
        do {
            report = try applier.apply(policy)
        } catch {
            fail("\(error)")
        }
        if report.configuredRelay {
            log.info("relay configured: boot_id=\(report.bootID) machine_id=\(report.machineID) buff_exp=\(report.relay.buffExp) subuf_nb=\(report.relay.subufNb)")
        } else {
            log.info("relay already configured in this boot: boot_id=\(report.bootID) machine_id=\(report.machineID)")
        }
        log.info("capture enabled=\(report.enabled) all=\(report.all) (from \(config))")
    }

    /// The settings applied by this version, as ini lines.
    func summary(_ p: CaptureConfiguration) -> String {
        """
        ; \(config): valid
        [provenance]
        machine_id=\(p.machineID)
        enabled=\(p.enabled)
        all=\(p.all)

        [relay]
        buff_exp=\(p.relay.buffExp)
        subuf_nb=\(p.relay.subufNb)
        """
    }
}
