import Provenance

/// The provenance LSM's securityfs directory is missing.
public struct ProvenanceNotPresent: Error, Equatable, CustomStringConvertible {
    public var root: String
    public var description: String {
        "provenance LSM not present: \(root) has no 'enable' file (is securityfs mounted and the LSM enabled?)"
    }
}

/// What `PolicyApplier.apply` did.
public struct ApplyReport: Equatable, Sendable {
    /// Whether this run wrote `relay_conf` (false: the relay was already configured).
    public var configuredRelay: Bool
    /// The boot and machine ids in force.
    public var bootID: UInt32
    public var machineID: UInt32
    /// The relay geometry written (meaningful when `configuredRelay`).
    public var relay: RelayGeometry
    public var enabled: Bool
    public var all: Bool
}

/// Applies a capture policy to the kernel (`camflow configure --apply`).
///
/// Order: `relay_conf` first — only when the kernel's `boot_id` reads 0,
/// i.e. the relay is not configured yet in this boot, so that the boot
/// counter file is incremented once per boot, not once per run (a fix over
/// the reference) — then `enable`, then `all`.
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

    /// Applies `config`.
    /// - Throws: `ProvenanceNotPresent`, or a `SystemError` naming the file that failed.
    public func apply(_ config: CaptureConfiguration) throws -> ApplyReport {
        guard securityFS.isPresent else { throw ProvenanceNotPresent(root: securityFS.root) }
        var report = ApplyReport(configuredRelay: false, bootID: 0, machineID: 0,
                                 relay: config.relay, enabled: config.enabled, all: config.all)
        let kernelBoot = try securityFS.bootID()
        if kernelBoot == 0 {
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
        } else {
            report.bootID = kernelBoot
            report.machineID = try securityFS.machineID()
        }
        try securityFS.set(.enable, config.enabled)
        try securityFS.set(.all, config.all)
        return report
    }
}
