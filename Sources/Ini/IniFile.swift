import CInih
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// One `name=value` line of an ini file, as delivered by inih.
///
/// A key repeated, or continued on indented lines, yields one entry per
/// occurrence, in file order (list keys collect them all; scalar keys take the
/// last one).
public struct IniEntry: Sendable, Equatable {
    /// Section name without brackets, exactly as written ("" before any section).
    public var section: String
    /// Key name, whitespace trimmed.
    public var key: String
    /// Value, whitespace and inline comments trimmed.
    public var value: String
    /// 1-based line number of the line that produced this entry.
    public var line: Int

    /// Creates an entry.
    public init(section: String, key: String, value: String, line: Int) {
        self.section = section
        self.key = key
        self.value = value
        self.line = line
    }
}

/// Failure to read or parse an ini file.
public enum IniError: Error, Equatable, CustomStringConvertible {
    /// The file could not be opened or read; `reason` is the strerror text.
    case unreadable(path: String, reason: String)

    public var description: String {
        switch self {
        case let .unreadable(path, reason):
            return "cannot read configuration \(path): \(reason)"
        }
    }
}

/// An ini file parsed with libinih (the parser the reference tools use), with
/// line numbers for every entry so that callers can name `file:line` in their
/// messages.
///
/// Grammar (inih): `;`/`#` full-line comments, inline `;` comments after
/// whitespace, `name=value` or `name:value`, trimmed names and values,
/// indented continuation lines delivered as repeats of the previous key.
/// Unlike the reference build, lines are not limited to 200 bytes.
public struct IniFile: Sendable {
    /// The path the file was read from (used in messages).
    public let path: String
    /// Every entry in file order.
    public let entries: [IniEntry]
    /// Line numbers inih rejected (no `=`/`:` separator, unterminated section).
    /// inih reports only the first such line.
    public let syntaxErrorLines: [Int]

    /// Longest accepted line, in bytes.
    public static let maxLineLength: Int32 = 65_536

    /// Reads and parses the file at `path`.
    /// - Throws: `IniError.unreadable` naming the path when it cannot be read.
    public init(path: String) throws {
        let bytes = try Self.readAll(path: path)
        self.init(path: path, contents: bytes)
    }

    /// Parses `contents` as if read from `path` (for tests and in-memory data).
    public init(path: String, contents: [UInt8]) {
        self.path = path
        let context = ParseContext(contents: contents)
        let rc = iniLock.withLock { _ in
            camflow_ini_setup(Self.maxLineLength)
            let user = Unmanaged.passUnretained(context).toOpaque()
            return ini_parse_stream(iniRead, user, iniHandle, user)
        }
        entries = context.entries
        syntaxErrorLines = rc > 0 ? [Int(rc)] : []
    }

    private static func readAll(path: String) throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw IniError.unreadable(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16_384)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw IniError.unreadable(path: path, reason: String(cString: strerror(errno)))
            }
            if n == 0 { break }
            result.append(contentsOf: chunk[0..<n])
        }
        return result
    }
}

/// inih keeps its options in process-wide globals; parse one file at a time.
private let iniLock = Mutex(())

/// State shared with the C callbacks during one parse.
private final class ParseContext {
    let contents: [UInt8]
    var position = 0
    /// Newlines consumed so far by the reader.
    var newlines = 0
    /// Whether the last chunk handed to inih ended a line.
    var atLineStart = true
    var entries: [IniEntry] = []

    init(contents: [UInt8]) { self.contents = contents }

    /// Line number of the line inih is currently handling.
    var currentLine: Int { atLineStart ? newlines : newlines + 1 }
}

/// fgets-style reader over the in-memory file: copies at most `num - 1`
/// bytes, stopping after a newline, and counts lines.
private let iniRead: @convention(c) (UnsafeMutablePointer<CChar>?, Int32, UnsafeMutableRawPointer?) -> UnsafeMutablePointer<CChar>? = { str, num, stream in
    guard let str, let stream, num > 1 else { return nil }
    let ctx = Unmanaged<ParseContext>.fromOpaque(stream).takeUnretainedValue()
    if ctx.position >= ctx.contents.count { return nil }
    var written = 0
    let limit = Int(num) - 1
    var endedLine = false
    ctx.contents.withUnsafeBufferPointer { buf in
        while written < limit && ctx.position < buf.count {
            let byte = buf[ctx.position]
            str[written] = CChar(bitPattern: byte)
            written += 1
            ctx.position += 1
            if byte == UInt8(ascii: "\n") { endedLine = true; break }
        }
    }
    str[written] = 0
    if endedLine { ctx.newlines += 1 }
    ctx.atLineStart = endedLine
    return str
}

private let iniHandle: @convention(c) (UnsafeMutableRawPointer?, UnsafePointer<CChar>?, UnsafePointer<CChar>?, UnsafePointer<CChar>?) -> Int32 = { user, section, name, value in
    guard let user else { return 0 }
    let ctx = Unmanaged<ParseContext>.fromOpaque(user).takeUnretainedValue()
    let entry = IniEntry(
        section: section.map { String(cString: $0) } ?? "",
        key: name.map { String(cString: $0) } ?? "",
        value: value.map { String(cString: $0) } ?? "",
        line: ctx.currentLine)
    ctx.entries.append(entry)
    return 1
}
