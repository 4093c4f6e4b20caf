import Capture
import CProvenanceABI
import Glibc
import Policy
import Provenance
import Sinks

/// Opening the configured output, and keeping the recorder's own files out
/// of the graph.
enum RecorderOutput {
    /// Opens the sink of `config` (one clear error naming the output on failure).
    static func open(_ config: RecorderConfiguration, securityFS: SecurityFS) throws -> any Sink {
        switch config.output {
        case .null:
            return NullSink()
        case .log:
            return try LogSink(path: config.logPath ?? "",
                               terminator: config.format == .w3c ? .newline : .none,
                               onOpen: markOpaque)
        case .fifo:
            return try FIFOSink(path: config.fifoPath ?? "", onOpen: markOpaque)
        case .unixSocket:
            return try UnixSocketSink(address: config.unixAddress ?? "")
        case .mqtt:
            let machineID: UInt32
            do {
                machineID = try securityFS.machineID()
            } catch {
                throw RecorderStartError("\(error) (the mqtt topic and client id need the machine id)")
            }
            return try MQTTSink(settings: config.mqtt, machineID: machineID)
        }
    }

    /// A description of where output goes, for the start-up line.
    static func describe(_ config: RecorderConfiguration, sink: any Sink) -> String {
        let format = config.format == .w3c ? "W3C PROV-JSON" : "SPADE JSON"
        if let mqtt = sink as? MQTTSink {
            return "\(mqtt.name) topic \(mqtt.topic) qos \(config.mqtt.qos) (\(format))"
        }
        return "\(sink.name) (\(format))"
    }

    /// Marks an output file opaque through the `security.provenance`
    /// extended attribute, so that the kernel records neither its writes
    /// nor anyone reading it back. The recorder process itself is opaque
    /// already (nothing it does is recorded); this covers the readers.
    /// File systems or kernels without the attribute (EOPNOTSUPP, ENODATA)
    /// are fine: the recorder being opaque is what matters.
    static func markOpaque(fd: Int32, path: String) {
        var state = prov_object_state()
        state.flags = UInt32(PROV_FLAG_OPAQUE)
        let rc = withUnsafeBytes(of: &state) { raw in
            setExtendedAttribute(fd, PROV_XATTR_NAME, raw.baseAddress, raw.count, 0)
        }
        if rc != 0 {
            let code = errno
            if code == EOPNOTSUPP || code == ENODATA || code == ENOTSUP || code == EPERM && getuid() != 0 { return }
            log.warning("\(path): cannot mark the output opaque (\(PROV_XATTR_NAME)): \(String(cString: strerror(code)))")
        }
    }

    /// Checks the kernel's record ABI (`abi_version` in securityfs) against
    /// the ones this binary decodes (`RecordDecoder.supportedABIVersions`:
    /// ABI 1 and the current `PROV_ABI_VERSION`).
    static func checkABI(_ securityFS: SecurityFS) throws {
        let path = securityFS.path("abi_version")
        let decoded = RecordDecoder.supportedABIText
        let bytes: [UInt8]
        do {
            bytes = try SystemFile.read(path, limit: 32)
        } catch {
            throw RecorderStartError("\(error) (the kernel does not say which record ABI it writes; this camflow decodes ABI \(decoded))")
        }
        let text = String(decoding: bytes, as: UTF8.self).trimmingTrailing()
        guard let version = UInt32(text) else {
            throw RecorderStartError("\(path): '\(text)' is not an ABI version number")
        }
        guard let abi = UInt8(exactly: version), RecordDecoder.supportedABIVersions.contains(abi) else {
            throw RecorderStartError("\(path): the kernel writes record ABI \(version), this camflow decodes ABI \(decoded): install matching kernel and userspace")
        }
    }
}

/// A start-up failure with its one-line message.
struct RecorderStartError: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}

extension String {
    /// The string without trailing whitespace, newlines and NULs.
    func trimmingTrailing() -> String {
        var s = Substring(self)
        while let last = s.last, last == " " || last == "\n" || last == "\0" || last == "\t" { s = s.dropLast() }
        return String(s)
    }
}

/// fsetxattr(2) from <sys/xattr.h>, which the Glibc module does not export.
@_silgen_name("fsetxattr")
private func setExtendedAttribute(_ fd: Int32, _ name: UnsafePointer<CChar>, _ value: UnsafeRawPointer?,
                                  _ size: Int, _ flags: Int32) -> Int32
