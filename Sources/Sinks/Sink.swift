/// Where serialised provenance goes (reference §3.3).
///
/// A sink receives whole chunks (for W3C one complete JSON document) and adds
/// its own framing (the log sink ends each W3C document with a newline).
/// Implementations are not thread-safe; `SharedSink` serialises access.
public protocol Sink: AnyObject {
    /// Writes one chunk (all of it, or throws).
    func write(_ chunk: UnsafeRawBufferPointer) throws
    /// Makes written data durable (e.g. fsync).
    func flush() throws
    /// Closes and opens the output again (log rotation, SIGHUP).
    func reopen() throws
    /// Releases the output. Further writes fail.
    func close()
}

extension Sink {
    /// Writes the bytes of `chunk`.
    public func write(_ chunk: [UInt8]) throws {
        try chunk.withUnsafeBytes { try write($0) }
    }
}
