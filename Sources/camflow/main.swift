// One executable, several names: argv[0] selects the command so that the
// reference's unit files and scripts keep working through symlinks.
//   camflowd  -> camflow record
//   camconfd  -> camflow configure --apply (unless --check is given)
//   camflow   -> subcommands (camflow --help lists them); a camflow-cli flag
//                as first argument (`camflow -s`, `camflow -e true`,
//                `camflow --track-file f propagate`) runs `camflow ctl`.
let rest = Array(CommandLine.arguments.dropFirst())

switch invokedAs {
case "camflowd":
    RecordCommand.main(rest)
case "camconfd":
    let explicit = rest.contains("--apply") || rest.contains("--check")
    ConfigureCommand.main(explicit ? rest : ["--apply"] + rest)
default:
    if let first = rest.first, first != "-h", first != "--help",
       CtlFlags.named(first) != nil || first == "--securityfs-root" || first.hasPrefix("--securityfs-root=") {
        CtlCommand.run(rest)
    }
    CamflowCommand.main(rest)
}
