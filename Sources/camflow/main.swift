// One executable, several names: argv[0] selects the command so that the
// reference's unit files and scripts keep working through symlinks.
//   camflowd  -> camflow record
//   camconfd  -> camflow configure --apply
//   camflow   -> subcommands (camflow --help lists them)
let rest = Array(CommandLine.arguments.dropFirst())

switch invokedAs {
case "camflowd":
    RecordCommand.main(rest)
case "camconfd":
    ConfigureCommand.main(rest.contains("--apply") ? rest : ["--apply"] + rest)
default:
    CamflowCommand.main(rest)
}
