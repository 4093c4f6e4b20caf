import ArgumentParser
import Glibc
import Ini
import Policy
import Provenance

/// `camflow configure` (`camconfd`): check the capture policy, print it, or
/// apply it to the kernel.
struct ConfigureCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "configure",
        abstract: "Check the capture policy (/etc/camflow.ini) or apply it to the kernel.",
        discussion: """
            Without --apply or --check, the file is validated and the policy printed as a \
            normalized ini file. --check validates without applying and lists every problem \
            (bad values, unknown keys, missing [file] paths) as FILE:LINE: [section] key=value: \
            message, exiting 1 if there is any. --apply (what camconfd does at boot) validates \
            everything first and applies nothing if a value is bad; otherwise it configures \
            the relay (once per boot), then the [file] lists, the filters, the user, group, \
            cgroup, IPv4 and security context lists, and last the switches (enabled, all, \
            compression, [network] label). An entry the kernel refuses is reported with its \
            FILE:LINE and the others are still applied; the exit status is then 1. So is \
            [network] label=true on a kernel without packet labelling (no securityfs 'label' \
            file). See docs/configuration.md.
            """)

    @Flag(help: "Write the policy to the kernel through securityfs.")
    var apply = false

    @Flag(help: "Validate only: list every problem with FILE:LINE; exit 1 if any.")
    var check = false

    @Option(name: [.customLong("file"), .customLong("config")],
            help: ArgumentHelp("Capture policy file (--config is an alias).", valueName: "path"))
    var file = CaptureConfiguration.defaultPath

    @Option(name: .customLong("securityfs-root"),
            help: ArgumentHelp("securityfs directory of the provenance LSM.", valueName: "dir"))
    var securityFSRoot = SecurityFS.defaultRoot

    @Option(name: .customLong("machine-id-file"),
            help: ArgumentHelp("Persistent machine id file (4 bytes).", valueName: "path"))
    var machineIDFile = IdentityFiles.defaultMachineIDPath

    @Option(name: .customLong("boot-id-file"),
            help: ArgumentHelp("Boot counter file (4 bytes).", valueName: "path"))
    var bootIDFile = IdentityFiles.defaultBootIDPath

    func validate() throws {
        if apply && check { throw ValidationError("--apply and --check cannot be used together") }
    }

    func run() throws {
        let loaded: LoadedCaptureConfiguration
        do {
            loaded = try CaptureConfiguration.load(path: file)
        } catch {
            fail("\(error)")
        }
        if check { runCheck(loaded) }
        for warning in loaded.warnings { log.warning("\(warning)") }
        if !loaded.problems.isEmpty {
            // Nothing is applied when any value is bad.
            for problem in loaded.problems { log.error("\(problem)") }
            Glibc.exit(1)
        }
        let policy = loaded.configuration
        guard apply else {
            print("; \(file): valid")
            print(policy.iniText, terminator: "")
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
        for warning in report.warnings { log.warning("\(warning)") }
        for failure in report.failures { log.error("\(failure)") }
        let label = report.label.map { " label=\($0)" } ?? ""
        log.info("capture enabled=\(report.enabled) all=\(report.all)\(label); \(report.applied) setting(s) applied, \(report.failures.count) failed (from \(file))")
        if !report.failures.isEmpty { Glibc.exit(1) }
    }

    /// `--check`: every problem and warning, then the exit status.
    private func runCheck(_ loaded: LoadedCaptureConfiguration) -> Never {
        var count = 0
        for problem in loaded.problems { log.error("\(problem)"); count += 1 }
        let files = loaded.configuration.files
        for item in files.opaque + files.track + files.propagate {
            guard let origin = item.origin, access(item.value, F_OK) != 0 else { continue }
            log.error("\(origin): \(String(cString: strerror(errno)))")
            count += 1
        }
        for warning in loaded.warnings { log.warning("\(warning)"); count += 1 }
        if count == 0 {
            print("\(file): no problems")
            Glibc.exit(0)
        }
        log.error("\(file): \(count) problem(s)")
        Glibc.exit(1)
    }
}
