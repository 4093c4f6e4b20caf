import Synchronization

/// A sink shared by several reader threads: every operation holds one lock,
/// so chunks are written whole and never interleaved.
public final class SharedSink: Sendable {
    private let sink: Mutex<any Sink>

    /// Wraps `sink`, which must not be used directly afterwards.
    public init(_ sink: sending any Sink) {
        self.sink = Mutex(sink)
    }

    /// Writes one chunk.
    public func write(_ chunk: [UInt8]) throws {
        try sink.withLock { s in try chunk.withUnsafeBytes { try s.write($0) } }
    }

    /// Makes written data durable (under the lock).
    public func flush() throws { try sink.withLock { try $0.flush() } }
    /// Reopens the output (under the lock).
    public func reopen() throws { try sink.withLock { try $0.reopen() } }
    /// Closes the output (under the lock).
    public func close() { sink.withLock { $0.close() } }
}
