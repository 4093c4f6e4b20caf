import ArgumentParser
import Glibc
import Policy

/// `camflow ctl`: the camflow-cli flags (`camflow ctl -s`, `camflow ctl -e
/// true`, `camflow ctl --track-file f propagate`...). `camflow` followed by
/// one of these flags runs `ctl` too (see main.swift), so scripts written
/// for camflow-cli keep working.
struct CtlCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ctl",
        abstract: "Change or show the capture policy with the camflow-cli flags (camflow ctl -h lists them).",
        discussion: """
            One flag per call, with its arguments, e.g. `camflow ctl -e true`, `camflow ctl \
            --track-file /tmp/x propagate`, `camflow ctl -s`. --securityfs-root DIR may appear \
            anywhere. `camflow -s` and the other flags without `ctl` work the same. Failures \
            print one line and exit 1.
            """)

    @Argument(parsing: .captureForPassthrough,
              help: ArgumentHelp("A camflow-cli flag and its arguments.", valueName: "flag"))
    var words: [String] = []

    func run() throws {
        CtlCommand.run(words)
    }

    /// Runs one camflow-cli invocation and exits: 0 on success, 1 on failure.
    static func run(_ words: [String]) -> Never {
        var root = SecurityFS.defaultRoot
        var rest: [String] = []
        var index = 0
        while index < words.count {
            let word = words[index]
            if word == "--securityfs-root" {
                guard index + 1 < words.count else { fail("--securityfs-root: expected a directory") }
                root = words[index + 1]
                index += 2
                continue
            }
            if word.hasPrefix("--securityfs-root=") {
                root = String(word.dropFirst("--securityfs-root=".count))
            } else {
                rest.append(word)
            }
            index += 1
        }
        guard let first = rest.first else {
            fail("no flag given (camflow ctl -h lists them)")
        }
        guard let flag = CtlFlags.named(first) else {
            fail("unknown flag '\(first)' (camflow ctl -h lists them)")
        }
        let arguments = Array(rest.dropFirst())
        if arguments.count < flag.parameters.count {
            let expected = flag.parameters.map { "<\($0)>" }.joined(separator: " ")
            fail("\(first): expected \(expected)")
        }
        if arguments.count > flag.parameters.count {
            fail("\(first): unexpected argument '\(arguments[flag.parameters.count])'")
        }
        if flag.name == "-h" {
            CtlOutput.write(CtlFlags.usage(colour: isatty(1) == 1))
            Glibc.exit(0)
        }
        let fs = SecurityFS(root: root)
        guard fs.isPresent else {
            fail("It appears CamFlow has not been installed on your machine: \(fs.path("enable")) is missing (please verify you are booted under the correct kernel version)")
        }
        do {
            try CtlRunner(fs: fs, flagWord: first, arguments: arguments).run(flag)
        } catch let error as CtlFailure {
            fail(error.message)
        } catch {
            fail("\(([first] + arguments).joined(separator: " ")): \(error)")
        }
        Glibc.exit(0)
    }
}

/// A `ctl` failure: the whole one-line message.
struct CtlFailure: Error {
    let message: String
}

/// Unbuffered writes to stdout (ctl output must not be lost at exit()).
enum CtlOutput {
    static func write(_ text: String) {
        var bytes = Array(text.utf8)
        bytes.withUnsafeMutableBytes { buf in
            var done = 0
            while done < buf.count {
                guard let base = buf.baseAddress else { return }
                let n = Glibc.write(1, base + done, buf.count - done)
                if n < 0 { if errno == EINTR { continue }; return }
                done += n
            }
        }
    }
}
