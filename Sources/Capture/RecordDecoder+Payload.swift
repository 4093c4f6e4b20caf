import CProvenanceABI
import Provenance

extension RecordDecoder {
    /// Bytes `[start, start + length)` of the record, checked against its size.
    @inline(__always)
    static func slice(_ rec: UnsafeRawBufferPointer, from start: Int, length: Int,
                      kind: RecordKind) throws(DecodeError) -> [UInt8] {
        let room = rec.count - start
        guard length >= 0, length <= room else {
            throw .payloadBeyondRecord(kind: kind, length: length, room: max(room, 0))
        }
        // One allocation and one memcpy (an Array built from the slice as a
        // sequence copies byte by byte).
        guard length > 0, let source = rec.baseAddress else { return [] }
        return [UInt8](unsafeUninitializedCapacity: length) { buffer, initialized in
            if let destination = buffer.baseAddress {
                UnsafeMutableRawPointer(destination).copyMemory(from: source + start, byteCount: length)
            }
            initialized = length
        }
    }

    /// string, path, address, packet content and argv/envp records.
    static func payloadRecord(_ rec: UnsafeRawBufferPointer, _ header: RecordHeader,
                              _ kind: RecordKind) throws(DecodeError) -> Record {
        let (r, e, n) = try fixed(rec, prov_payload_record.self, kind) { ($0.elt, $0.node) }
        let start = MemoryLayout<prov_payload_record>.size  // == offsetof(data), asserted in C
        let bytes = try slice(rec, from: start, length: Int(r.length), kind: kind)
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
    static func xattr(_ rec: UnsafeRawBufferPointer, _ header: RecordHeader) throws(DecodeError) -> Record {
        let (r, e, n) = try fixed(rec, prov_xattr_record.self, .xattr) { ($0.elt, $0.node) }
        let start = MemoryLayout<prov_xattr_record>.size
        let nameLength = Int(r.name_length)
        let name = try slice(rec, from: start, length: nameLength, kind: .xattr)
        let valueStart = start + nameLength + 1
        let value = try slice(rec, from: valueStart, length: Int(r.value_length), kind: .xattr)
        let info = XattrInfo(name: name, value: value,
                             originalValueLength: max(r.original_value_length, r.value_length))
        return Record(header: header, element: e, node: n, payload: .xattr(info))
    }

    /// Node disclosed by userspace.
    static func disc(_ rec: UnsafeRawBufferPointer, _ header: RecordHeader) throws(DecodeError) -> Record {
        let (r, e, n) = try fixed(rec, prov_disc_record.self, .disc) { ($0.elt, $0.node) }
        let start = MemoryLayout<prov_disc_record>.size
        let content = try slice(rec, from: start, length: Int(r.length), kind: .disc)
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
