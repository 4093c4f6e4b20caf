import Glibc
import Provenance

/// Chunks waiting on disk while a network output cannot take them
/// (`[spool] path`, `max_size`).
///
/// The spool is a directory of segment files `<16 hex digits>.spool`, read
/// in name order; each holds entries `u32 length, u32 records, bytes`
/// (little endian), and a `<16 hex digits>.pos` file with the offset read
/// so far, so a restart does not deliver a chunk twice. New chunks are appended to the newest segment (a new
/// one every `segmentBytes`); `prepend` writes a segment named before all
/// others, so chunks older than the spooled ones keep their place. A
/// segment read to its end is deleted. Segments left by an earlier run are
/// delivered first at start. Not thread-safe (the pipeline holds its lock).
public final class Spool {
    /// The directory.
    public let directory: String
    /// Bound on the bytes held.
    public let maxBytes: Int
    /// Bytes of entries not yet read.
    public private(set) var pendingBytes = 0
    /// Entries not yet read.
    public private(set) var pendingChunks = 0

    static let segmentBytes = 4 << 20
    private var segments: [UInt64] = []
    private var writeFD: Int32 = -1
    private var writeSegment: UInt64?
    private var writeSize = 0
    private var readFD: Int32 = -1
    private var readSegment: UInt64?
    private var positionFD: Int32 = -1

    /// Opens (creating if needed, mode 0700) the spool directory and takes
    /// stock of segments left by an earlier run.
    /// - Throws: `SystemError` naming the directory.
    public init(directory: String, maxBytes: Int) throws {
        self.directory = directory
        self.maxBytes = maxBytes
        if mkdir(directory, 0o700) != 0 && errno != EEXIST {
            throw SystemError(path: directory, operation: "create spool directory", code: errno)
        }
        guard let dir = opendir(directory) else {
            throw SystemError(path: directory, operation: "open spool directory", code: errno)
        }
        defer { closedir(dir) }
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw -> String in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            guard name.hasSuffix(".spool"), let seq = UInt64(name.dropLast(6), radix: 16) else { continue }
            segments.append(seq)
        }
        segments.sort()
        for seq in segments { try countEntries(seq) }
    }

    deinit {
        if writeFD >= 0 { Glibc.close(writeFD) }
        if readFD >= 0 { Glibc.close(readFD) }
        if positionFD >= 0 { Glibc.close(positionFD) }
    }

    /// Whether nothing is waiting.
    public var isEmpty: Bool { pendingChunks == 0 }

    private func path(_ seq: UInt64) -> String {
        let hex = String(seq, radix: 16)
        return directory + "/" + String(repeating: "0", count: max(0, 16 - hex.count)) + hex + ".spool"
    }

    private func positionPath(_ seq: UInt64) -> String { String(path(seq).dropLast(6)) + ".pos" }

    /// The offset read so far in segment `seq` (0 if never read).
    private func savedPosition(_ seq: UInt64) -> Int {
        let fd = open(positionPath(seq), O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return 0 }
        defer { Glibc.close(fd) }
        var value: Int64 = 0
        return read(fd, &value, 8) == 8 ? Int(Int64(littleEndian: value)) : 0
    }

    private func countEntries(_ seq: UInt64) throws {
        let fd = open(path(seq), O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw SystemError(path: path(seq), operation: "open spool segment", code: errno) }
        defer { Glibc.close(fd) }
        lseek(fd, off_t(savedPosition(seq)), SEEK_SET)
        while let (bytes, _) = readEntry(fd) {
            pendingBytes += bytes.count + 8
            pendingChunks += 1
        }
    }

    /// Reads one entry (bytes, records) from `fd`, or nil at its end.
    private func readEntry(_ fd: Int32) -> ([UInt8], Int)? {
        var header = (UInt32(0), UInt32(0))
        guard readFully(fd, &header, 8) else { return nil }
        let length = Int(UInt32(littleEndian: header.0))
        guard length <= 1 << 30 else { return nil }
        var bytes = [UInt8](repeating: 0, count: length)
        guard bytes.withUnsafeMutableBytes({ readFully(fd, $0.baseAddress, length) }) else { return nil }
        return (bytes, Int(UInt32(littleEndian: header.1)))
    }

    private func readFully(_ fd: Int32, _ pointer: UnsafeMutableRawPointer?, _ count: Int) -> Bool {
        guard let pointer else { return count == 0 }
        var done = 0
        while done < count {
            let n = read(fd, pointer + done, count - done)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return false }
            done += n
        }
        return true
    }

    private func writeEntry(_ fd: Int32, _ chunk: UnsafeRawBufferPointer, records: Int) throws {
        var header = (UInt32(chunk.count).littleEndian, UInt32(clamping: records).littleEndian)
        var progress = 0
        let result = withUnsafeBytes(of: &header) { head -> FramedWriteResult in
            var p = 0
            let r = writeFramed(fd: fd, head, terminator: .none, progress: &p)
            if case .done = r { return writeFramed(fd: fd, chunk, terminator: .none, progress: &progress) }
            return r
        }
        if case let .failed(code) = result {
            throw SystemError(path: directory, operation: "write spool", code: code)
        }
    }

    /// Appends a chunk after everything spooled.
    /// - Returns: false (nothing written) if the spool would exceed its bound.
    /// - Throws: `SystemError` when the disk refuses it.
    public func append(_ chunk: UnsafeRawBufferPointer, records: Int) throws -> Bool {
        guard pendingBytes + chunk.count + 8 <= maxBytes else { return false }
        if writeFD < 0 || writeSize >= Self.segmentBytes {
            if writeFD >= 0 { Glibc.close(writeFD) }
            let seq = (segments.last ?? (1 << 40)) + 1
            writeFD = open(path(seq), O_CREAT | O_WRONLY | O_APPEND | O_EXCL | O_CLOEXEC, 0o600)
            if writeFD < 0 { throw SystemError(path: path(seq), operation: "create spool segment", code: errno) }
            segments.append(seq)
            writeSegment = seq
            writeSize = 0
        }
        try writeEntry(writeFD, chunk, records: records)
        writeSize += chunk.count + 8
        pendingBytes += chunk.count + 8
        pendingChunks += 1
        return true
    }

    /// Writes `chunks` (in order) in front of everything spooled. Ignores the
    /// bound (used at shutdown for chunks already accepted).
    public func prepend(_ chunks: [(bytes: [UInt8], records: Int)]) throws {
        guard !chunks.isEmpty else { return }
        let seq = (segments.first ?? (1 << 40) + 1) - 1
        let fd = open(path(seq), O_CREAT | O_WRONLY | O_EXCL | O_CLOEXEC, 0o600)
        if fd < 0 { throw SystemError(path: path(seq), operation: "create spool segment", code: errno) }
        defer { Glibc.close(fd) }
        for chunk in chunks {
            try chunk.bytes.withUnsafeBytes { try writeEntry(fd, $0, records: chunk.records) }
            pendingBytes += chunk.bytes.count + 8
            pendingChunks += 1
        }
        if fsync(fd) != 0 && errno != EINVAL {
            throw SystemError(path: path(seq), operation: "fsync spool segment", code: errno)
        }
        segments.insert(seq, at: 0)
    }

    /// Takes the oldest chunk, or nil if the spool is empty.
    public func next() -> (bytes: [UInt8], records: Int)? {
        while let seq = segments.first {
            if readSegment != seq {
                if readFD >= 0 { Glibc.close(readFD) }
                readFD = open(path(seq), O_RDONLY | O_CLOEXEC)
                readSegment = seq
                if readFD < 0 { dropSegment(seq); continue }
                lseek(readFD, off_t(savedPosition(seq)), SEEK_SET)
                if positionFD >= 0 { Glibc.close(positionFD) }
                positionFD = open(positionPath(seq), O_CREAT | O_WRONLY | O_CLOEXEC, 0o600)
            }
            if let entry = readEntry(readFD) {
                var offset = Int64(lseek(readFD, 0, SEEK_CUR)).littleEndian
                if positionFD >= 0 { _ = pwrite(positionFD, &offset, 8, 0) }
                pendingBytes -= entry.0.count + 8
                pendingChunks -= 1
                return entry
            }
            // end of this segment
            if seq == writeSegment {
                if pendingChunks > 0 { return nil }
                Glibc.close(writeFD)
                writeFD = -1
                writeSegment = nil
            }
            dropSegment(seq)
        }
        pendingBytes = 0
        pendingChunks = 0
        return nil
    }

    private func dropSegment(_ seq: UInt64) {
        if readFD >= 0 { Glibc.close(readFD) }
        if positionFD >= 0 { Glibc.close(positionFD) }
        readFD = -1
        positionFD = -1
        readSegment = nil
        unlink(path(seq))
        unlink(positionPath(seq))
        segments.removeFirst()
    }

    /// Makes appended chunks durable.
    public func sync() {
        if writeFD >= 0 { _ = fsync(writeFD) }
    }
}
