import Glibc

/// Why a log could not be read: the file and the system's reason.
public struct LogReadError: Error, CustomStringConvertible, Sendable {
    /// The path as given by the user.
    public let path: String
    /// `strerror` text of the failing call.
    public let reason: String
    /// What was being done ("open", "read").
    public let operation: String

    public var description: String { "cannot \(operation) log \(path): \(reason)" }
}

/// Streams a file line by line through one reused buffer: a line is handed
/// out as a byte buffer that is valid only during the callback, without its
/// terminating `\n` (nor a `\r` before it). Memory use is bounded by the
/// longest line, never by the file size. `-` reads standard input.
public struct LineReader: ~Copyable {
    /// The path as given ("-" for standard input).
    public let path: String
    private let fd: Int32
    private let ownsDescriptor: Bool
    private var buffer: UnsafeMutableRawBufferPointer
    private var start = 0  // first unconsumed byte
    private var end = 0  // one past the last byte read
    private var eof = false

    /// Opens `path` for reading; `-` is standard input.
    public init(path: String, chunkSize: Int = 1 << 20) throws(LogReadError) {
        self.path = path
        if path == "-" {
            fd = 0
            ownsDescriptor = false
        } else {
            let opened = open(path, O_RDONLY | O_CLOEXEC)
            guard opened >= 0 else {
                throw LogReadError(path: path, reason: String(cString: strerror(errno)), operation: "open")
            }
            fd = opened
            ownsDescriptor = true
        }
        buffer = .allocate(byteCount: max(chunkSize, 64), alignment: 8)
    }

    deinit {
        buffer.deallocate()
        if ownsDescriptor { close(fd) }
    }

    /// Calls `body(line, lineNumber)` for every line (numbers start at 1).
    /// A last line without `\n` is delivered too. Stops early when `body`
    /// returns false.
    public mutating func forEachLine(
        _ body: (UnsafeBufferPointer<UInt8>, Int) throws -> Bool
    ) throws {
        var number = 0
        while true {
            // find a newline in the unconsumed bytes
            let base = buffer.baseAddress!.assumingMemoryBound(to: UInt8.self)
            if start < end, let hit = memchr(base + start, 0x0A, end - start) {
                let newline = UnsafeRawPointer(hit) - UnsafeRawPointer(base)
                number += 1
                var lineEnd = newline
                if lineEnd > start, base[lineEnd - 1] == 0x0D { lineEnd -= 1 }
                let line = UnsafeBufferPointer(start: base + start, count: lineEnd - start)
                start = newline + 1
                guard try body(line, number) else { return }
                continue
            }
            if eof {
                if start < end {
                    number += 1
                    let line = UnsafeBufferPointer(start: base + start, count: end - start)
                    start = end
                    _ = try body(line, number)
                }
                return
            }
            try fill()
        }
    }

    /// Moves the partial line to the front (growing the buffer if it is
    /// full) and reads more bytes.
    private mutating func fill() throws(LogReadError) {
        if start > 0 {
            let pending = end - start
            if pending > 0 {
                memmove(buffer.baseAddress!, buffer.baseAddress! + start, pending)
            }
            start = 0
            end = pending
        }
        if end == buffer.count {
            let bigger = UnsafeMutableRawBufferPointer.allocate(byteCount: buffer.count * 2, alignment: 8)
            bigger.baseAddress!.copyMemory(from: buffer.baseAddress!, byteCount: end)
            buffer.deallocate()
            buffer = bigger
        }
        while true {
            let n = read(fd, buffer.baseAddress! + end, buffer.count - end)
            if n < 0 {
                if errno == EINTR { continue }
                throw LogReadError(path: path, reason: String(cString: strerror(errno)), operation: "read")
            }
            if n == 0 { eof = true } else { end += n }
            return
        }
    }
}
