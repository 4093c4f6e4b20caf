/// Where serialised provenance goes (reference §3.3).
///
/// A sink receives whole chunks (a W3C document, or a run of SPADE lines)
/// and adds its own framing (newline for W3C in a log, NUL for fifo and
/// unix, base64(zlib) for mqtt). Sinks are driven by one thread, the
/// `OutputPipeline` writer; they are not thread-safe.
public protocol Sink: AnyObject {
    /// A name for messages ("log /var/log/audit.log").
    var name: String { get }
    /// Delivers one chunk.
    ///
    /// - Parameter progress: framed bytes of this chunk already delivered (0
    ///   for a new chunk). A sink that can deliver part of a chunk (log,
    ///   fifo) advances it; called again with the same chunk after a
    ///   `.retry` error it continues where it stopped, so nothing is
    ///   written twice.
    /// - Throws: `SinkError`: `.retry` for conditions that pass (disk full,
    ///   broker or listener away), `.tooLarge` when the transport refuses
    ///   the chunk's size (the pipeline splits it), `.failed` otherwise.
    func write(_ chunk: UnsafeRawBufferPointer, progress: inout Int) throws
    /// Makes written data durable (e.g. fsync).
    func flush() throws
    /// Closes and opens the output again (log rotation, SIGHUP).
    func reopen() throws
    /// Releases the output. Further writes fail.
    func close()
    /// Called by the writer about once a second while there is nothing to
    /// write (the mqtt output publishes its heartbeat there).
    func idle()
}

/// Why a sink could not deliver a chunk.
public struct SinkError: Error, Equatable, CustomStringConvertible {
    /// What the pipeline does about it.
    public enum Kind: Sendable, Equatable {
        /// Try the same chunk again later.
        case retry
        /// The transport refuses a chunk this large: split it.
        case tooLarge
        /// The chunk cannot be delivered: count it as dropped.
        case failed
    }

    public var kind: Kind
    /// One line naming the output and the cause.
    public var message: String

    /// Creates a value from its fields.
    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}

extension Sink {
    /// Nothing to do by default.
    public func idle() {}

    /// Writes all of `chunk` (tests and simple callers): retries are errors.
    public func write(_ chunk: [UInt8]) throws {
        var progress = 0
        try chunk.withUnsafeBytes { try write($0, progress: &progress) }
    }
}

/// `output=null`: discards everything.
public final class NullSink: Sink {
    public let name = "null output"
    /// Creates the sink.
    public init() {}
    public func write(_ chunk: UnsafeRawBufferPointer, progress: inout Int) throws {
        progress = chunk.count
    }
    public func flush() throws {}
    public func reopen() throws {}
    public func close() {}
}
