import Provenance

/// The sections of a W3C PROV-JSON document, in the reference's order
/// (note wasAssociatedWith before wasInfluencedBy).
public enum W3CSection: Int, CaseIterable, Sendable {
    case activity, agent, entity, message, used, wasGeneratedBy, wasInformedBy
    case wasAssociatedWith, wasInfluencedBy, wasDerivedFrom

    /// The section key as written in the document.
    public var name: String {
        switch self {
        case .activity: return "activity"
        case .agent: return "agent"
        case .entity: return "entity"
        case .message: return "message"
        case .used: return "used"
        case .wasGeneratedBy: return "wasGeneratedBy"
        case .wasInformedBy: return "wasInformedBy"
        case .wasAssociatedWith: return "wasAssociatedWith"
        case .wasInfluencedBy: return "wasInfluencedBy"
        case .wasDerivedFrom: return "wasDerivedFrom"
        }
    }

    /// `, "<name>":{` — what opens the section in a document.
    var opener: StaticString {
        switch self {
        case .activity: return ", \"activity\":{"
        case .agent: return ", \"agent\":{"
        case .entity: return ", \"entity\":{"
        case .message: return ", \"message\":{"
        case .used: return ", \"used\":{"
        case .wasGeneratedBy: return ", \"wasGeneratedBy\":{"
        case .wasInformedBy: return ", \"wasInformedBy\":{"
        case .wasAssociatedWith: return ", \"wasAssociatedWith\":{"
        case .wasInfluencedBy: return ", \"wasInfluencedBy\":{"
        case .wasDerivedFrom: return ", \"wasDerivedFrom\":{"
        }
    }

    /// The section of a relation family.
    init(_ family: RelationFamily) {
        switch family {
        case .used: self = .used
        case .generated: self = .wasGeneratedBy
        case .informed: self = .wasInformedBy
        case .associated: self = .wasAssociatedWith
        case .influenced: self = .wasInfluencedBy
        case .derived: self = .wasDerivedFrom
        }
    }

    /// Keys naming the sender and receiver of a relation in this section
    /// (information flows sender → receiver).
    var roleKeys: (sender: StaticString, receiver: StaticString) {
        switch self {
        case .used: return (",\"prov:entity\":", ",\"prov:activity\":")
        case .wasGeneratedBy: return (",\"prov:activity\":", ",\"prov:entity\":")
        case .wasInformedBy: return (",\"prov:informant\":", ",\"prov:informed\":")
        case .wasInfluencedBy: return (",\"prov:influencer\":", ",\"prov:influencee\":")
        case .wasAssociatedWith: return (",\"prov:agent\":", ",\"prov:activity\":")
        case .wasDerivedFrom: return (",\"prov:usedEntity\":", ",\"prov:generatedEntity\":")
        case .activity, .agent, .entity, .message: return (",\"prov:sender\":", ",\"prov:receiver\":")
        }
    }

    /// The section a record belongs to, or nil if it cannot be placed
    /// (a relation type without a family).
    public static func of(_ record: Record) -> W3CSection? {
        if case .relation = record.payload {
            guard let family = RelationType(rawValue: record.typeWord).family else { return nil }
            return W3CSection(family)
        }
        switch record.kind {
        case .task: return .activity
        case .machine: return .agent
        default:
            switch NodeType(rawValue: record.typeWord).nodeClass {
            case .activity: return .activity
            case .agent: return .agent
            case .entity, .none: return .entity
            }
        }
    }
}
