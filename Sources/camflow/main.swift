import Glibc
import Logging

// One executable, several names: argv[0] selects the command so that the
// reference's unit files and scripts keep working through symlinks.
//   camflowd  -> camflow record
//   camconfd  -> camflow configure --apply
//   camflow   -> subcommands (camflow --help lists them)
let arguments = CommandLine.arguments
let invokedAs = arguments.first.map { String($0.split(separator: "/").last ?? Substring($0)) } ?? "camflow"
let rest = Array(arguments.dropFirst())

LoggingSystem.bootstrap { label in StderrLogHandler(label: label) }
log = Logger(label: invokedAs)

switch invokedAs {
case "camflowd":
    RecordCommand.main(rest)
case "camconfd":
    ConfigureCommand.main(rest.contains("--apply") ? rest : ["--apply"] + rest)
default:
    CamflowCommand.main(rest)
}
