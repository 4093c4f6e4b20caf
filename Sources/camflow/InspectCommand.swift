import ArgumentParser
import Inspect
import Policy
import Provenance

/// `camflow inspect`: decode identifiers, and summarize, convert and query
/// recorded logs (W3C PROV-JSON or SPADE JSON).
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Decode identifiers; summarize, convert and trace the lineage of recorded logs.",
        usage: """
            camflow inspect [--json] [--securityfs-root DIR]
            camflow inspect --id ID
            camflow inspect LOG...
            camflow inspect --to spade|w3c [--output FILE] LOG...
            camflow inspect --ancestors PATH|ID [--all-versions] [--depth N] [--dot FILE] LOG...
            camflow inspect --descendants PATH|ID [--all-versions] [--depth N] [--dot FILE] LOG...
            """,
        discussion: """
            A LOG is a file written by `camflow record` in W3C PROV-JSON (one document per \
            line) or SPADE JSON (one object per line); the format is detected per file and \
            `-` reads standard input. Without arguments, prints the kernel's capture state \
            as `camflow ctl -s` does (as one JSON object with --json). Logs are streamed, never loaded whole. Several logs \
            (for example from two machines) are read as one graph. With only LOGs, prints \
            the number of nodes and relations of each type, the machines and boots, the time \
            span and every invalid line (exit status 1 if there is one). PATH is an absolute \
            path and matches every version of every file it named; ID is a node identifier \
            (with or without cf:) and matches that version only, or every version of the \
            object with --all-versions. See docs/inspect.md.
            """)

    @Option(help: ArgumentHelp("Decode an identifier (with or without cf:).", valueName: "id"))
    var id: String?

    @Option(help: ArgumentHelp("Print what the file or node was derived from.", valueName: "path|id"))
    var ancestors: String?

    @Option(help: ArgumentHelp("Print what was derived from the file or node.", valueName: "path|id"))
    var descendants: String?

    @Flag(name: .customLong("all-versions"),
          help: "With an ID, start from every version of its object.")
    var allVersions = false

    @Option(help: ArgumentHelp("Show at most this many levels below the start of the tree.", valueName: "n"))
    var depth: Int?

    @Option(help: ArgumentHelp("Also write the lineage as a Graphviz graph.", valueName: "file"))
    var dot: String?

    @Option(help: ArgumentHelp("Convert the logs to this format (w3c, spade or spade_json).", valueName: "format"))
    var to: String?

    @Option(name: [.customShort("o"), .long], help: ArgumentHelp("Where --to writes (default: standard output).", valueName: "file"))
    var output: String?

    @Flag(help: "Print the capture state as JSON (without LOGs).")
    var json = false

    @Option(name: .customLong("securityfs-root"),
            help: ArgumentHelp("securityfs directory of the provenance LSM (capture state).", valueName: "dir"))
    var securityFSRoot = SecurityFS.defaultRoot

    @Argument(help: ArgumentHelp("Recorded logs.", valueName: "log"))
    var logs: [String] = []

    func run() throws {
        if let id {
            try requireOnly("--id", logsAllowed: false)
            runDecode(id)
        } else if let target = ancestors ?? descendants {
            if ancestors != nil && descendants != nil { fail("--ancestors and --descendants: give one of them") }
            let flag = ancestors != nil ? "--ancestors" : "--descendants"
            try requireOnly(flag, logsAllowed: true)
            runLineage(target, direction: ancestors != nil ? .ancestors : .descendants, flag: flag)
        } else if let to {
            try requireOnly("--to", logsAllowed: true)
            runConvert(to)
        } else if !logs.isEmpty {
            try requireOnly("", logsAllowed: true)
            runSummary()
        } else {
            runCaptureState()
        }
    }

    /// Capture state: what `camflow ctl -s` prints, or one JSON object with
    /// `--json`, read from the kernel's securityfs files.
    func runCaptureState() {
        let fs = SecurityFS(root: securityFSRoot)
        guard fs.isPresent else { fail("\(ProvenanceNotPresent(root: fs.root))") }
        do {
            let state = try CaptureState.read(from: fs)
            print(json ? state.json() : state.text(), terminator: "")
        } catch {
            fail("cannot read the capture state: \(error)")
        }
    }

    /// Fails with one line when an option is used outside its mode.
    private func requireOnly(_ mode: String, logsAllowed: Bool) throws {
        let lineage = mode == "--ancestors" || mode == "--descendants"
        var misplaced: [String] = []
        if mode != "--id" && id != nil { misplaced.append("--id") }
        if !lineage {
            if ancestors != nil { misplaced.append("--ancestors") }
            if descendants != nil { misplaced.append("--descendants") }
            if allVersions { misplaced.append("--all-versions") }
            if depth != nil { misplaced.append("--depth") }
            if dot != nil { misplaced.append("--dot") }
        }
        if json { misplaced.append("--json") }
        if mode != "--to" {
            if to != nil { misplaced.append("--to") }
            if output != nil { misplaced.append("--output") }
        }
        if misplaced.first == "--json" {
            fail("--json prints the capture state: it takes no LOG and no other mode")
        }
        if let first = misplaced.first {
            let needed = first == "--output" ? "--to" : "--ancestors or --descendants"
            fail(mode.isEmpty ? "\(first) needs \(needed) (see camflow inspect --help)"
                              : "\(first) cannot be used with \(mode)")
        }
        if !logsAllowed && !logs.isEmpty { fail("\(mode) takes no log (got \(logs[0]))") }
        if logsAllowed && logs.isEmpty { fail("\(mode) needs at least one LOG") }
        if let depth, depth < 1 { fail("--depth \(depth): must be at least 1") }
    }

    private func runDecode(_ text: String) {
        do {
            print(IdentifierDescription(try IdentifierText.parse(text)).text)
        } catch {
            fail("--id \(text): \(error)")
        }
    }
}
