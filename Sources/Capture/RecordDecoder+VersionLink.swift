import CProvenanceABI
import Provenance

/// Why the version link of a record flagged `PROV_RECORD_VERSIONED` was
/// refused (`DecodeError.badVersionLink`).
public enum VersionLinkProblem: Sendable, Equatable {
    /// The record's kind never carries a link: relations, packets (whose
    /// identity has no version) and the variable-length kinds (string,
    /// path, address, xattr, packet content, argv/envp, disclosed nodes).
    case notVersionable
    /// The node's version is 0: it has no previous version to link from.
    case versionZero
    /// The link's type is neither `RL_VERSION` nor `RL_VERSION_TASK`.
    case wrongType(UInt64)

    /// The message for a record of `kind`.
    func description(kind: RecordKind) -> String {
        switch self {
        case .notVersionable:
            return "\(kind) record flagged as versioned: only fixed-size node records carry a version link"
        case .versionZero:
            return "\(kind) record with a version link but node version 0 (no previous version)"
        case let .wrongType(type):
            return "\(kind) record with a version link of type 0x\(String(type, radix: 16)), "
                + "expected RL_VERSION or RL_VERSION_TASK"
        }
    }
}

extension RecordDecoder {
    /// `PROV_RECORD_VERSIONED`, as the header's flags byte.
    static let versionedFlag = UInt8(PROV_RECORD_VERSIONED)
    /// The first ABI version whose records may end in a version link.
    static let firstLinkedABIVersion: UInt8 = 2
    /// Size of `struct prov_version_link`.
    static let linkSize = MemoryLayout<prov_version_link>.size

    /// Decodes a record flagged `PROV_RECORD_VERSIONED`: the record without
    /// its last `linkSize` bytes as usual, then the link from those bytes.
    ///
    /// Only the fixed-size node kinds take a link (task, proc, inode, msg,
    /// shm, superblock, iattr, machine: the kernel versions nodes of those
    /// kinds only). The flag on any other kind is refused with
    /// `.badVersionLink(kind, .notVersionable)` rather than ignored: a
    /// relation would be lost, and the bytes cannot be trusted. The record
    /// must hold the fixed structure of its kind and the link
    /// (`.tooShortForKind` with that size otherwise); the link must have a
    /// version type and the node a previous version. None of these errors
    /// breaks framing: the reader steps over the record by `hdr.size`.
    static func decodeLinked(_ rec: UnsafeRawBufferPointer, _ header: RecordHeader, _ kind: RecordKind,
                             scratch: inout DecodeScratch) throws(DecodeError) -> Record {
        guard let fixedSize = linkableStructSize(kind) else {
            throw .badVersionLink(kind: kind, problem: .notVersionable)
        }
        let needed = fixedSize + linkSize
        guard rec.count >= needed else {
            throw .tooShortForKind(kind: kind, size: UInt32(rec.count), needed: needed)
        }
        let bodySize = rec.count - linkSize
        let link = VersionLink(rec.loadUnaligned(fromByteOffset: bodySize, as: prov_version_link.self))
        guard link.hasVersionType else {
            throw .badVersionLink(kind: kind, problem: .wrongType(link.type))
        }
        var record = try decodeBody(UnsafeRawBufferPointer(rebasing: rec[0..<bodySize]), header, kind,
                                    scratch: &scratch)
        guard record.identifier.version > 0 else {
            throw .badVersionLink(kind: kind, problem: .versionZero)
        }
        record.versionLink = link
        return record
    }

    /// Size of the fixed structure of a kind whose records may end in a
    /// version link; nil for the kinds that never do.
    static func linkableStructSize(_ kind: RecordKind) -> Int? {
        switch kind {
        case .task: return MemoryLayout<prov_task_record>.size
        case .proc: return MemoryLayout<prov_proc_record>.size
        case .inode: return MemoryLayout<prov_inode_record>.size
        case .msg: return MemoryLayout<prov_msg_record>.size
        case .shm: return MemoryLayout<prov_shm_record>.size
        case .sb: return MemoryLayout<prov_sb_record>.size
        case .iattr: return MemoryLayout<prov_iattr_record>.size
        case .machine: return MemoryLayout<prov_machine_record>.size
        case .relation, .packet, .string, .path, .address, .xattr, .packetContent, .arg, .disc:
            return nil
        }
    }
}
