import CProvenanceABI

/// The version link a node record ends in when its header has
/// `PROV_RECORD_VERSIONED` (`struct prov_version_link`, ABI 2 on).
///
/// Such a record also stands for the version relation into the node's
/// version from the previous one; `Record.impliedVersionRelation` builds it.
public struct VersionLink: Sendable, Hashable {
    /// Relation type word: `RL_VERSION` or `RL_VERSION_TASK`.
    public var type: UInt64
    /// Relation id of the version relation.
    public var id: UInt64
    /// Node id of the task that caused the new version, or 0.
    public var taskID: UInt64

    /// Creates a value from its fields.
    public init(type: UInt64, id: UInt64, taskID: UInt64 = 0) {
        self.type = type
        self.id = id
        self.taskID = taskID
    }

    /// Copies the link from the C structure.
    public init(_ c: prov_version_link) {
        self.init(type: c.type, id: c.id, taskID: c.task_id)
    }

    /// The C structure with the same fields.
    public var c: prov_version_link {
        prov_version_link(type: type, id: id, task_id: taskID)
    }

    /// Whether `type` is one a link may carry: `RL_VERSION` (entities,
    /// agents) or `RL_VERSION_TASK` (tasks).
    public var hasVersionType: Bool { type == RL_VERSION || type == RL_VERSION_TASK }
}
