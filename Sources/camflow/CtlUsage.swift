import Glibc

/// One flag of `camflow ctl` (the camflow-cli flags): its parameters and
/// the description printed by `-h`.
struct CtlFlag: Sendable {
    let names: [String]
    let parameters: [String]
    let description: String
    /// Listed by `-h` (aliases and deprecated spellings are not).
    let listed: Bool

    init(_ names: [String], _ parameters: [String], _ description: String, listed: Bool = true) {
        self.names = names
        self.parameters = parameters
        self.description = description
        self.listed = listed
    }

    /// The first name, as printed by `-h`.
    var name: String { names[0] }
}

/// The camflow-cli command table (reference §6.2/§6.3), in usage order.
enum CtlFlags {
    static let all: [CtlFlag] = [
        CtlFlag(["-h", "--help"], [], "usage."),
        CtlFlag(["-v"], [], "version."),
        CtlFlag(["-s"], [], "print provenance capture state."),
        CtlFlag(["-c"], [], "print out current configuration (can copy content in /etc/camflow.ini)."),
        CtlFlag(["-p"], [], "print the policy hash."),
        CtlFlag(["-e"], ["bool"], "enable/disable provenance capture."),
        CtlFlag(["-a"], ["bool"], "activate/deactivate whole-system provenance capture."),
        CtlFlag(["--enable-version", "--versioning", "--enable-versioning"], ["bool"],
                "enable/disable versioning."),
        CtlFlag(["--compress-node"], ["bool"], "activate/deactivate node compression."),
        CtlFlag(["--compress-edge"], ["bool"], "activate/deactivate edge compression."),
        CtlFlag(["--duplicate"], ["bool"], "activate/deactivate duplication."),
        CtlFlag(["--label-packets"], ["bool"],
                "activate/deactivate in-band provenance labels on the packets of recorded sockets."),
        CtlFlag(["--file"], ["filename"], "display provenance info of a file."),
        CtlFlag(["--track-file"], ["filename", "false/true/propagate"], "set tracking."),
        CtlFlag(["--taint-file"], ["filename", "int [0-63]"], "applies taint to the file."),
        CtlFlag(["--label-file"], ["filename", "label"],
                "applies the taint bit of a label (0-63, or a word hashed to a bit) to the file."),
        CtlFlag(["--opaque-file"], ["filename", "bool"], "mark/unmark the file as opaque."),
        CtlFlag(["--process"], ["pid"], "display provenance info of a process."),
        CtlFlag(["--track-process"], ["pid", "false/true/propagate"], "set tracking."),
        CtlFlag(["--taint-process"], ["pid", "int [0-63]"], "applies taint to the process."),
        CtlFlag(["--label-process"], ["pid", "label"],
                "applies the taint bit of a label (0-63, or a word hashed to a bit) to the process."),
        CtlFlag(["--opaque-process"], ["pid", "bool"], "mark/unmark the process as opaque."),
        CtlFlag(["--track-ipv4-ingress"], ["ip/mask:port", "track/propagate/record/delete"],
                "track/propagate on bind."),
        CtlFlag(["--track-ipv4-egress"], ["ip/mask:port", "track/propagate/record/delete"],
                "track/propagate on connect."),
        CtlFlag(["--track-secctx"], ["security context", "track/propagate/opaque/delete"],
                "track/propagate based on security context."),
        CtlFlag(["--track-cgroup"], ["cgroup ino", "track/propagate/delete"],
                "track/propagate based on cgroup."),
        CtlFlag(["--track-user"], ["user name", "track/propagate/opaque/delete"],
                "track/propagate based on user."),
        CtlFlag(["--track-group"], ["group name", "track/propagate/opaque/delete"],
                "track/propagate based on group."),
        CtlFlag(["--node-filter"], ["type", "bool"], "set node filter."),
        CtlFlag(["--edge-filter"], ["type", "bool"], "set edge filter."),
        CtlFlag(["--node-propagate-filter"], ["type", "bool"], "set propagate node filter."),
        CtlFlag(["--edge-propagate-filter"], ["type", "bool"], "set propagate edge filter."),
        CtlFlag(["--reset-filter"], [], "reset filters."),
        CtlFlag(["--change-epoch"], [], "change epoch."),
        CtlFlag(["--drop"], [], "display information about dropped graph elements."),
        CtlFlag(["--channel"], ["string"], "removed (multi-channel relay no longer exists).", listed: false),
    ]

    /// The flag called `name`, if any.
    static func named(_ name: String) -> CtlFlag? {
        all.first { $0.names.contains(name) }
    }

    /// The usage text: for each flag, the flag and its `<parameters>`, then a
    /// line with its description and a blank line. Colours (green flag,
    /// yellow parameters) only when `colour` is set.
    static func usage(colour: Bool) -> String {
        let green = colour ? "\u{1B}[32m" : "", yellow = colour ? "\u{1B}[33m" : ""
        let reset = colour ? "\u{1B}[0m" : ""
        var out = ""
        for flag in all where flag.listed {
            out += green + flag.name + reset
            for parameter in flag.parameters { out += " " + yellow + "<" + parameter + ">" + reset }
            out += "\n " + flag.description + "\n\n"
        }
        out += green + "--securityfs-root" + reset + " " + yellow + "<dir>" + reset
        out += "\n securityfs directory of the provenance LSM (default /sys/kernel/security/provenance).\n\n"
        return out
    }
}
