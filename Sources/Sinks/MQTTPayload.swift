import CZlib
import Provenance

/// The MQTT payload framing of the original: base64(zlib compress(chunk)),
/// standard alphabet with `=` padding, zlib (RFC 1950) container at the
/// default level, so payloads start with `eJ`.
public enum MQTTPayload {
    /// Encodes `chunk`.
    public static func encode(_ chunk: UnsafeRawBufferPointer) -> [UInt8] {
        var bound = compressBound(uLong(chunk.count))
        var compressed = [UInt8](repeating: 0, count: Int(bound))
        let rc = compressed.withUnsafeMutableBufferPointer { out in
            compress(out.baseAddress, &bound, chunk.baseAddress?.assumingMemoryBound(to: Bytef.self), uLong(chunk.count))
        }
        // compress() only fails for lack of room, which compressBound rules out
        precondition(rc == Z_OK, "zlib compress failed: \(rc)")
        var out: [UInt8] = []
        out.reserveCapacity((Int(bound) + 2) / 3 * 4)
        compressed.withUnsafeBytes { Base64.append(UnsafeRawBufferPointer(rebasing: $0[0..<Int(bound)]), to: &out) }
        return out
    }

    /// Decodes a payload back into the chunk (tests, `inspect`); nil if it
    /// is not base64 of a zlib stream.
    public static func decode(_ payload: [UInt8]) -> [UInt8]? {
        guard let compressed = Base64.decode(payload), !compressed.isEmpty else { return nil }
        var capacity = max(1024, compressed.count * 8)
        while capacity <= 1 << 30 {
            var length = uLong(capacity)
            var out = [UInt8](repeating: 0, count: capacity)
            let rc = out.withUnsafeMutableBufferPointer { o in
                compressed.withUnsafeBufferPointer { c in
                    uncompress(o.baseAddress, &length, c.baseAddress, uLong(c.count))
                }
            }
            if rc == Z_OK { return Array(out[0..<Int(length)]) }
            if rc != Z_BUF_ERROR { return nil }
            capacity *= 4
        }
        return nil
    }
}
