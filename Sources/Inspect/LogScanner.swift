/// An invalid line of a log: where it is and what is wrong.
public struct LineIssue: Sendable, CustomStringConvertible {
    public let path: String
    public let line: Int
    public let problem: LineProblem

    public var description: String { "\(path):\(line): \(problem)" }
}

/// What was read from one log file.
public struct LogFileInfo: Sendable {
    public let path: String
    /// Detected format (nil: nothing recognisable in the file).
    public let format: LogFormat?
    /// Number of lines read.
    public let lines: Int
    /// Number of invalid lines.
    public let invalidLines: Int
}

/// Streams log files through a `LogVisitor`, line by line.
public enum LogScanner {
    /// Reads every file in order (each detects its own format, so W3C and
    /// SPADE logs can be mixed), hands every element of every valid line to
    /// `visitor` and every invalid line to `onIssue`. Fails only when a file
    /// cannot be opened or read.
    public static func scan<V: LogVisitor>(
        _ paths: [String], into visitor: inout V, onIssue: (LineIssue) -> Void
    ) throws -> [LogFileInfo] {
        var infos: [LogFileInfo] = []
        for path in paths {
            var reader = try LineReader(path: path)
            var parser = LogLineParser()
            var lines = 0
            var invalid = 0
            try reader.forEachLine { line, number in
                lines = number
                do throws(LineProblem) {
                    try parser.parse(line, into: &visitor)
                } catch {
                    invalid += 1
                    onIssue(LineIssue(path: path, line: number, problem: error))
                }
                return true
            }
            infos.append(LogFileInfo(path: path, format: parser.format, lines: lines, invalidLines: invalid))
        }
        return infos
    }
}
