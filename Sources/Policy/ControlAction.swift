import CProvenanceABI
import Provenance

/// Tracking words of `--track-file`/`--track-process` and of `[file]` keys.
public enum Tracking: String, Sendable, CaseIterable {
    /// Stop tracking (clears tracked and propagate).
    case off = "false"
    /// Track (sets tracked; propagate is left as it is).
    case on = "true"
    /// Track and spread tracking to what the object touches.
    case propagate
}

/// A change to one file or process: for each of TRACKED, OPAQUE and
/// PROPAGATE selected in `op` the flag takes the value of the same bit in
/// `flags`; `PROV_SET_TAINT` ORs `taint` in (the kernel's semantics of
/// `struct prov_process_config` and `struct prov_file_config`).
public struct ObjectChange: Equatable, Sendable {
    /// `PROV_SET_*` bits.
    public var op: UInt8
    /// `PROV_FLAG_*` values of the selected bits.
    public var flags: UInt32
    /// Taint bits ORed in with `PROV_SET_TAINT`.
    public var taint: UInt64

    /// Creates a value from its fields.
    public init(op: UInt8, flags: UInt32, taint: UInt64 = 0) {
        self.op = op
        self.flags = flags
        self.taint = taint
    }

    /// The change of a tracking word.
    public static func tracking(_ tracking: Tracking) -> ObjectChange {
        let both = UInt8(PROV_SET_TRACKED | PROV_SET_PROPAGATE)
        switch tracking {
        case .off: return ObjectChange(op: both, flags: 0)
        case .on: return ObjectChange(op: UInt8(PROV_SET_TRACKED), flags: UInt32(PROV_FLAG_TRACKED))
        case .propagate:
            return ObjectChange(op: both, flags: UInt32(PROV_FLAG_TRACKED | PROV_FLAG_PROPAGATE))
        }
    }

    /// Marks (or unmarks) the object opaque.
    public static func opaque(_ on: Bool) -> ObjectChange {
        ObjectChange(op: UInt8(PROV_SET_OPAQUE), flags: on ? UInt32(PROV_FLAG_OPAQUE) : 0)
    }

    /// ORs taint bit `bit` (0...63) into the object's taint.
    public static func taint(bit: Int) -> ObjectChange {
        ObjectChange(op: UInt8(PROV_SET_TAINT), flags: 0, taint: 1 << UInt64(bit))
    }
}

/// What a target-list entry (user, group, cgroup, security context, IPv4
/// range) does.
public enum TargetOp: String, Sendable, CaseIterable {
    case track, propagate, opaque, record, delete

    /// The `op` byte written: propagate and record include TRACKED, as the
    /// original library sends them.
    public var bits: UInt8 {
        switch self {
        case .track: return UInt8(PROV_SET_TRACKED)
        case .propagate: return UInt8(PROV_SET_TRACKED | PROV_SET_PROPAGATE)
        case .opaque: return UInt8(PROV_SET_OPAQUE)
        case .record: return UInt8(PROV_SET_TRACKED | PROV_SET_RECORD)
        case .delete: return UInt8(PROV_SET_DELETE)
        }
    }
}

/// Direction of an IPv4 target list.
public enum IPv4Direction: String, Sendable, CaseIterable {
    case ingress, egress

    /// The securityfs file of the list.
    public var fileName: String { "ipv4_" + rawValue }
}

/// One of the ten filter files: the node filter or one relation family's
/// filter, plain (not recorded) or propagate (does not spread tracking).
public struct FilterTarget: Hashable, Sendable, CustomStringConvertible {
    /// nil: node types; otherwise one of derived, generated, used, informed.
    public var family: RelationFamily?
    /// The propagate twin of the filter.
    public var propagate: Bool

    /// Creates a value from its fields.
    public init(family: RelationFamily?, propagate: Bool) {
        self.family = family
        self.propagate = propagate
    }

    /// The relation families that have filter files.
    public static let filterableFamilies: [RelationFamily] = [.derived, .generated, .used, .informed]

    /// The ten filters in the order of `camflow ctl -s`.
    public static let all: [FilterTarget] = [false, true].flatMap { propagate in
        [FilterTarget(family: nil, propagate: propagate)]
            + filterableFamilies.map { FilterTarget(family: $0, propagate: propagate) }
    }

    /// The family word (RL_*) of the file, 0 for the node filter.
    public var familyWord: UInt64 {
        switch family {
        case .derived: return RL_DERIVED
        case .generated: return RL_GENERATED
        case .used: return RL_USED
        case .informed: return RL_INFORMED
        default: return 0
        }
    }

    /// "node", "derived", ... (the word used in file names and titles).
    public var word: String {
        switch family {
        case nil: return "node"
        case .derived?: return "derived"
        case .generated?: return "generated"
        case .used?: return "used"
        case .informed?: return "informed"
        case .influenced?: return "influenced"
        case .associated?: return "associated"
        }
    }

    /// The securityfs file name, e.g. `propagate_used_filter`.
    public var fileName: String { (propagate ? "propagate_" : "") + word + "_filter" }

    public var description: String { fileName }

    /// The filter for relations of `type`; nil when its family has no filter.
    public static func relation(_ type: RelationType, propagate: Bool) -> FilterTarget? {
        guard let family = type.family, filterableFamilies.contains(family) else { return nil }
        return FilterTarget(family: family, propagate: propagate)
    }
}

/// One change to the kernel's capture policy, as written by `camflow ctl`
/// flags and `camflow configure` entries.
public enum ControlAction: Equatable, Sendable {
    /// Writes a boolean file.
    case flag(SecurityFS.Flag, Bool)
    /// Adds (or removes) the type's bit in a filter.
    case filter(FilterTarget, type: UInt64, add: Bool)
    /// Clears every bit of a filter.
    case resetFilter(FilterTarget)
    /// Changes a file, named by path, through the "file" control.
    case file(path: String, ObjectChange)
    /// Changes a process, by pid, through the "process" control.
    case process(pid: Int32, ObjectChange)
    /// A user (uid) target.
    case user(UInt32, TargetOp)
    /// A group (gid) target.
    case group(UInt32, TargetOp)
    /// A cgroup namespace (inode number) target.
    case cgroup(UInt32, TargetOp)
    /// A security context target.
    case secctx(String, TargetOp)
    /// An IPv4 range.
    case ipv4(IPv4Direction, IPv4Filter, TargetOp)
    /// Starts a new capture epoch.
    case newEpoch
}
