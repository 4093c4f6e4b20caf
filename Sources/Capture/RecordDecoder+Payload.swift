import CProvenanceABI
import Provenance

extension RecordDecoder {
    /// Bytes `[start, start + length)` of the record, checked against its
    /// size, copied into `array` (kept in place when no copy of it is alive,
    /// so that no allocation happens) and returned.
    @inline(__always)
    static func slice(_ rec: UnsafeRawBufferPointer, from start: Int, length: Int,
                      kind: RecordKind, into array: inout [UInt8]) throws(DecodeError) -> [UInt8] {
        let room = rec.count - start
        guard length >= 0, length <= room else {
            throw .payloadBeyondRecord(kind: kind, length: length, room: max(room, 0))
        }
        array.removeAll(keepingCapacity: true)
        guard length > 0, let source = rec.baseAddress else { return array }
        // One memcpy (an Array built from the slice as a sequence copies byte by byte).
        array.append(contentsOf: UnsafeBufferPointer(
            start: (source + start).assumingMemoryBound(to: UInt8.self), count: length))
        return array
    }

    /// string, path, address, packet content and argv/envp records.
    static func payloadRecord(_ rec: UnsafeRawBufferPointer, _ header: RecordHeader,
                              _ kind: RecordKind, into scratch: inout [UInt8]) throws(DecodeError) -> Record {
        let (r, e, n) = try fixed(rec, prov_payload_record.self, kind) { ($0.elt, $0.node) }
        let start = MemoryLayout<prov_payload_record>.size  // == offsetof(data), asserted in C
        let bytes = try slice(rec, from: start, length: Int(r.length), kind: kind, into: &scratch)
        let text = TextPayload(bytes: bytes, originalLength: max(r.original_length, r.length))
        let payload: Payload
        switch kind {
        case .string: payload = .string(text)
        case .path: payload = .path(text)
        case .address: payload = .address(text)
        case .packetContent: payload = .packetContent(text)
        default: payload = .arg(text)
        }
        return Record(header: header, element: e, node: n, payload: payload)
    }

    /// Extended attribute: name_length bytes of name, a NUL, value_length bytes of value.
    static func xattr(_ rec: UnsafeRawBufferPointer, _ header: RecordHeader,
                      _ scratch: inout DecodeScratch) throws(DecodeError) -> Record {
        let (r, e, n) = try fixed(rec, prov_xattr_record.self, .xattr) { ($0.elt, $0.node) }
        let start = MemoryLayout<prov_xattr_record>.size
        let nameLength = Int(r.name_length)
        let name = try slice(rec, from: start, length: nameLength, kind: .xattr, into: &scratch.text)
        let valueStart = start + nameLength + 1
        let value = try slice(rec, from: valueStart, length: Int(r.value_length), kind: .xattr,
                              into: &scratch.value)
        let info = XattrInfo(name: name, value: value,
                             originalValueLength: max(r.original_value_length, r.value_length))
        return Record(header: header, element: e, node: n, payload: .xattr(info))
    }

    /// Node disclosed by userspace.
    static func disc(_ rec: UnsafeRawBufferPointer, _ header: RecordHeader,
                     into scratch: inout [UInt8]) throws(DecodeError) -> Record {
        let (r, e, n) = try fixed(rec, prov_disc_record.self, .disc) { ($0.elt, $0.node) }
        let start = MemoryLayout<prov_disc_record>.size
        let content = try slice(rec, from: start, length: Int(r.length), kind: .disc, into: &scratch)
        return Record(header: header, element: e, node: n,
                      payload: .disc(DiscInfo(parent: Identifier(r.parent), content: content)))
    }

    /// The machine record: fixed-size NUL-terminated strings.
    static func machine(_ rec: UnsafeRawBufferPointer, _ header: RecordHeader) throws(DecodeError) -> Record {
        let (r, e, n) = try fixed(rec, prov_machine_record.self, .machine) { ($0.elt, $0.node) }
        var m = MachineInfo()
        m.camMajor = r.cam_major
        m.camMinor = r.cam_minor
        m.camPatch = r.cam_patch
        m.sysname = cString(r.sysname)
        m.nodename = cString(r.nodename)
        m.release = cString(r.release)
        m.version = cString(r.version)
        m.machine = cString(r.machine)
        m.domainname = cString(r.domainname)
        m.commit = cString(r.commit)
        return Record(header: header, element: e, node: n, payload: .machine(m))
    }

    /// The bytes of a fixed char array up to its first NUL (or all of it).
    @inline(__always)
    static func cString<T>(_ array: T) -> [UInt8] {
        withUnsafeBytes(of: array) { raw in
            let end = raw.firstIndex(of: 0) ?? raw.count
            return Array(raw[0..<end])
        }
    }
}

/// Arrays a reader decodes text payloads into, reused from record to record
/// (see `RecordDecoder.decode(_:scratch:)`).
public struct DecodeScratch {
    /// Text of string, path, address, packet content, argv/envp, disclosed
    /// records; xattr names.
    var text: [UInt8] = []
    /// Xattr values.
    var value: [UInt8] = []
    /// Creates empty arrays.
    public init() {}
}
