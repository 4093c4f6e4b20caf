import ArgumentParser
import Provenance

/// `camflow`: the root command. Installed also as `camflowd` (record) and
/// `camconfd` (configure --apply).
struct CamflowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "camflow",
        abstract: "Whole-system provenance capture for Linux.",
        version: CamflowVersion.string,
        subcommands: [RecordCommand.self, ConfigureCommand.self, CtlCommand.self, InspectCommand.self])
}
