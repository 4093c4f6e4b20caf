import Provenance

/// The provenance LSM's securityfs directory is missing.
public struct ProvenanceNotPresent: Error, Equatable, CustomStringConvertible {
    /// The securityfs directory that was looked at.
    public var root: String
    /// Creates the error for the directory `root`.
    public init(root: String) { self.root = root }
    public var description: String {
        "provenance LSM not present: \(root) has no 'enable' file (is securityfs mounted and the LSM enabled?)"
    }
}

/// A step of a policy the kernel refused (or a relay/id-file failure).
public struct PolicyFailure: Error, Equatable, Sendable, CustomStringConvertible {
    /// `file:line: [section] key=value`, or what failed when no line applies.
    public var subject: String
    /// Why, naming the control file (e.g. `cannot write .../uid: Operation not permitted`).
    public var reason: String

    /// Creates a value from its fields.
    public init(subject: String, reason: String) {
        self.subject = subject
        self.reason = reason
    }

    public var description: String { "\(subject): \(reason)" }
}

/// What `PolicyApplier.apply` did.
public struct ApplyReport: Equatable, Sendable {
    /// Whether this run wrote `relay_conf` (false: the relay was already configured).
    public var configuredRelay: Bool
    /// The boot and machine ids in force (0 when they could not be read).
    public var bootID: UInt32
    public var machineID: UInt32
    /// The relay geometry written (meaningful when `configuredRelay`).
    public var relay: RelayGeometry
    public var enabled: Bool
    public var all: Bool
    /// `[network] label` as configured (nil when absent).
    public var label: Bool?
    /// The steps written successfully.
    public var applied: Int
    /// Everything that failed, in order; empty on full success.
    public var failures: [PolicyFailure]
    /// Steps skipped without harm (e.g. `label=false` on a kernel without
    /// packet labelling), one line each naming the ini line.
    public var warnings: [String] = []
}

/// Applies a capture policy to the kernel (`camflow configure --apply`).
///
/// Order: `relay_conf` first — only when the kernel's `boot_id` reads 0,
/// i.e. the relay is not configured yet in this boot, so that the boot
/// counter file is incremented once per boot, not once per run (a fix over
/// the reference) — then `CaptureConfiguration.steps` (lists, then
/// scalars). A step that fails is recorded in the report and the others
/// are still applied. `[network] label` on a kernel without the `label`
/// file is a failure naming the ini line when true, a warning when false.
public struct PolicyApplier: Sendable {
    /// The kernel control files.
    public var securityFS: SecurityFS
    /// The persistent id files.
    public var identityFiles: IdentityFiles

    /// Creates a value from its fields.
    public init(securityFS: SecurityFS = SecurityFS(), identityFiles: IdentityFiles = IdentityFiles()) {
        self.securityFS = securityFS
        self.identityFiles = identityFiles
    }

    /// Applies `config` (which should have no validation problems).
    /// - Throws: `ProvenanceNotPresent` only; every other failure is in the report.
    public func apply(_ config: CaptureConfiguration) throws -> ApplyReport {
        guard securityFS.isPresent else { throw ProvenanceNotPresent(root: securityFS.root) }
        var report = ApplyReport(configuredRelay: false, bootID: 0, machineID: 0,
                                 relay: config.relay, enabled: config.enabled, all: config.all,
                                 label: config.network.label, applied: 0, failures: [])
        do {
            try configureRelay(config, &report)
        } catch {
            report.failures.append(PolicyFailure(subject: "relay", reason: "\(error)"))
        }
        for step in config.steps {
            if case let .flag(.label, on) = step.action, !securityFS.has(.label) {
                let reason = "this kernel has no packet labelling (\(securityFS.path(SecurityFS.Flag.label.rawValue)) is missing)"
                if on {
                    report.failures.append(PolicyFailure(subject: step.description, reason: reason))
                } else {
                    report.warnings.append("\(step.description): \(reason); nothing to turn off")
                }
                continue
            }
            do {
                try securityFS.perform(step.action)
                report.applied += 1
            } catch {
                report.failures.append(PolicyFailure(subject: step.description, reason: "\(error)"))
            }
        }
        return report
    }

    private func configureRelay(_ config: CaptureConfiguration, _ report: inout ApplyReport) throws {
        let kernelBoot = try securityFS.bootID()
        guard kernelBoot == 0 else {
            report.bootID = kernelBoot
            report.machineID = try securityFS.machineID()
            return
        }
        let machine = try identityFiles.machineID(configured: config.machineID)
        let boot = try identityFiles.nextBootID()
        do {
            try securityFS.configureRelay(bootID: boot, machineID: machine,
                                          buffExp: config.relay.buffExp,
                                          subufNb: config.relay.subufNb)
            report.configuredRelay = true
            report.bootID = boot
            report.machineID = machine
        } catch is RelayAlreadyConfigured {
            // Someone configured it between our read and our write.
            report.bootID = try securityFS.bootID()
            report.machineID = try securityFS.machineID()
        }
    }
}
