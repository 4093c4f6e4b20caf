import Glibc
import Policy
import Provenance

/// Executes one parsed camflow-cli flag against a securityfs directory.
struct CtlRunner {
    let fs: SecurityFS
    /// The flag as typed (for messages).
    let flagWord: String
    let arguments: [String]

    /// `flag args...` as typed, for messages.
    private var invocation: String { ([flagWord] + arguments).joined(separator: " ") }

    private func usageError(_ message: String) -> CtlFailure {
        CtlFailure(message: "\(invocation): \(message)")
    }

    /// Runs `action`; a refusal becomes `what` (the reference's failure text) and the cause.
    private func perform(_ action: ControlAction, _ what: String) throws {
        do {
            try fs.perform(action)
        } catch {
            throw CtlFailure(message: "\(invocation): \(what): \(error)")
        }
    }

    func run(_ flag: CtlFlag) throws {
        switch flag.name {
        case "-v": try printVersion()
        case "-s": CtlOutput.write(try CaptureState.read(from: fs).text())
        case "-c": CtlOutput.write(try CaptureState.read(from: fs).ini())
        case "-p": CtlOutput.write(CaptureState.policyHashText(try fs.policyHash()) + "\n")
        case "--drop": CtlOutput.write("Graph elements dropped: \t\t\(try fs.dropped())\n")
        case "-e": try perform(.flag(.enable, try bool(0)), "Could not enable/disable provenance capture")
        case "-a": try perform(.flag(.all, try bool(0)),
                               "Could not activate/deactivate whole-system provenance capture")
        case "--enable-version":
            try perform(.flag(.shouldVersion, try bool(0)), "Could not enable/disable versioning")
        case "--compress-node":
            try perform(.flag(.compressNode, try bool(0)), "Could not activate/deactivate node compression")
        case "--compress-edge":
            try perform(.flag(.compressEdge, try bool(0)), "Could not activate/deactivate edge compression")
        case "--duplicate":
            try perform(.flag(.duplicate, try bool(0)), "Could not activate/deactivate duplication")
        case "--label-packets":
            let on = try bool(0)
            guard fs.has(.label) else {
                throw CtlFailure(message: "\(invocation): this kernel has no packet labelling (\(fs.path(SecurityFS.Flag.label.rawValue)) is missing)")
            }
            try perform(.flag(.label, on), "Could not activate/deactivate packet labelling")
        case "--file":
            let path = try nonEmpty(0, "file name")
            let state: ObjectState
            do {
                state = try fs.fileState(path)
            } catch {
                throw CtlFailure(message: "\(invocation): Could not read file provenance information: \(error)")
            }
            CtlOutput.write(Self.describe(state, subject: "File", numericType: false))
        case "--process":
            let pid = try self.pid(0)
            let state: ObjectState
            do {
                state = try fs.processState(pid)
            } catch {
                throw CtlFailure(message: "\(invocation): Could not read process provenance information: \(error)")
            }
            CtlOutput.write(Self.describe(state, subject: "Process", numericType: true))
        case "--track-file":
            try perform(.file(path: try nonEmpty(0, "file name"), .tracking(try tracking(1))),
                        "Could not change tracking settings for this file")
        case "--taint-file", "--label-file":
            try perform(.file(path: try nonEmpty(0, "file name"), .taint(bit: try taintBit(flag))),
                        "Could not change taint settings for this file")
        case "--opaque-file":
            try perform(.file(path: try nonEmpty(0, "file name"), .opaque(try bool(1))),
                        "Could not change opacity settings for this file")
        case "--track-process":
            try perform(.process(pid: try pid(0), .tracking(try tracking(1))),
                        "Could not change tracking settings for this process")
        case "--taint-process", "--label-process":
            try perform(.process(pid: try pid(0), .taint(bit: try taintBit(flag))),
                        "Could not change taint settings for this process")
        case "--opaque-process":
            try perform(.process(pid: try pid(0), .opaque(try bool(1))),
                        "Could not change opacity settings for this process")
        case "--track-ipv4-ingress", "--track-ipv4-egress":
            let direction: IPv4Direction = flag.name.hasSuffix("ingress") ? .ingress : .egress
            guard let filter = IPv4Filter(parsing: arguments[0]) else {
                throw usageError("'\(arguments[0])' is not an address/prefix:port (e.g. 192.168.0.0/16:80)")
            }
            try perform(.ipv4(direction, filter, try op(1, [.track, .propagate, .record, .delete])),
                        "Could not change ipv4 \(direction.rawValue)")
            CtlOutput.write(isatty(1) == 1 ? "\u{1B}[31mOnly apply to newly created connection.\u{1B}[0m\n"
                                           : "Only apply to newly created connection.\n")
        case "--track-secctx":
            let context = try nonEmpty(0, "security context")
            guard context.utf8.count <= SecurityFS.maxSecurityContextBytes else {
                throw usageError("security context longer than \(SecurityFS.maxSecurityContextBytes) bytes")
            }
            try perform(.secctx(context, try op(1, [.track, .propagate, .opaque, .delete])),
                        "Could not change security context filter")
        case "--track-cgroup":
            guard let ns = CaptureConfiguration.inodeNumber(arguments[0]) else {
                throw usageError("'\(arguments[0])' is not a cgroup namespace inode number (decimal or 0x hex, 32 bits)")
            }
            try perform(.cgroup(ns, try op(1, [.track, .propagate, .opaque, .delete])),
                        "Could not change CGroup filter")
        case "--track-user":
            guard let uid = Accounts.uid(arguments[0]) else { throw usageError("no such user '\(arguments[0])'") }
            try perform(.user(uid, try op(1, [.track, .propagate, .opaque, .delete])),
                        "Could not change user filter")
        case "--track-group":
            guard let gid = Accounts.gid(arguments[0]) else { throw usageError("no such group '\(arguments[0])'") }
            try perform(.group(gid, try op(1, [.track, .propagate, .opaque, .delete])),
                        "Could not change group filter")
        case "--node-filter", "--node-propagate-filter":
            guard let type = NodeType(name: arguments[0]) else {
                throw usageError("invalid node type '\(arguments[0])'")
            }
            let propagate = flag.name == "--node-propagate-filter"
            try perform(.filter(FilterTarget(family: nil, propagate: propagate), type: type.rawValue, add: try bool(1)),
                        propagate ? "Could not change propagation settings" : "Could not change filter settings")
        case "--edge-filter", "--edge-propagate-filter":
            guard let type = RelationType(name: arguments[0]) else {
                throw usageError("invalid relation type '\(arguments[0])'")
            }
            let propagate = flag.name == "--edge-propagate-filter"
            guard let target = FilterTarget.relation(type, propagate: propagate) else {
                throw usageError("relations of type '\(arguments[0])' cannot be filtered (family \(type.family.map { "\($0)" } ?? "none"))")
            }
            try perform(.filter(target, type: type.rawValue, add: try bool(1)),
                        propagate ? "Could not change propagation settings" : "Could not change filter settings")
        case "--reset-filter":
            var failures: [String] = []
            for target in FilterTarget.all {
                do { try fs.perform(.resetFilter(target)) } catch { failures.append("\(error)") }
            }
            if !failures.isEmpty {
                throw CtlFailure(message: "--reset-filter: Could not reset the filters: " + failures.joined(separator: "; "))
            }
        case "--change-epoch": try perform(.newEpoch, "Could not change epoch")
        case "--channel":
            throw usageError("--channel was removed with the multi-channel relay; records go to the provenance relay files")
        default:
            throw usageError("not implemented")
        }
    }

    private func printVersion() throws {
        let commit = try fs.commit()
        CtlOutput.write("CamFlow \(try fs.version())\nkernel commit: \(commit.isEmpty ? "unknown" : commit)\n\ncamflow \(CamflowVersion.string) (Swift userspace)\n\n")
    }

    /// `File`/`Process` state in the reference's `--file`/`--process` layout.
    static func describe(_ s: ObjectState, subject: String, numericType: Bool) -> String {
        let id = s.identifier
        let typeName = numericType ? String(id.type) : (NodeType(rawValue: id.type).name ?? String(id.type))
        var out = "Identifier: \(id.base64)\nType: \(typeName)\nID: \(id.id)\nBoot ID: \(id.bootID)\n"
        out += "Machine ID: \(id.machineID)\n"
        if !numericType { out += "Version: \(id.version)\n" }
        out += "Taint: \(String(s.taint, radix: 16, uppercase: true))\n\n"
        out += s.isTracked ? "\(subject) is tracked.\n" : "\(subject) is not tracked.\n"
        out += s.isOpaque ? "\(subject) is opaque.\n" : "\(subject) is not opaque.\n"
        out += s.propagates ? "\(subject) propagates tracking.\n" : "\(subject) is not propagating tracking.\n"
        return out
    }

    // MARK: argument words

    private func bool(_ index: Int) throws -> Bool {
        switch arguments[index] {
        case "true": return true
        case "false": return false
        default: throw usageError("expected a boolean (true or false), got '\(arguments[index])'")
        }
    }

    private func tracking(_ index: Int) throws -> Tracking {
        guard let t = Tracking(rawValue: arguments[index]) else {
            throw usageError("expected false, true or propagate, got '\(arguments[index])'")
        }
        return t
    }

    private func op(_ index: Int, _ allowed: [TargetOp]) throws -> TargetOp {
        guard let op = TargetOp(rawValue: arguments[index]), allowed.contains(op) else {
            let words = allowed.map(\.rawValue).joined(separator: ", ")
            throw usageError("expected one of \(words), got '\(arguments[index])'")
        }
        return op
    }

    private func pid(_ index: Int) throws -> Int32 {
        let text = arguments[index]
        guard !text.isEmpty, text.count <= 10, text.allSatisfy({ $0.isASCII && $0.isNumber }),
              let value = Int32(text), value > 0 else {
            throw usageError("'\(text)' is not a process id (a positive decimal number)")
        }
        return value
    }

    private func nonEmpty(_ index: Int, _ what: String) throws -> String {
        guard !arguments[index].isEmpty else { throw usageError("empty \(what)") }
        return arguments[index]
    }

    private func taintBit(_ flag: CtlFlag) throws -> Int {
        let text = arguments[1]
        if flag.name.hasPrefix("--taint") {
            guard text.count <= 2, text.allSatisfy({ $0.isASCII && $0.isNumber }), let bit = Int(text), bit < 64 else {
                throw usageError("Tag bit must be set between 0 and 63 (got '\(text)').")
            }
            return bit
        }
        guard let bit = TaintLabel.bit(for: text) else {
            throw usageError("a label is a taint bit 0-63 or a word, got '\(text)'")
        }
        return bit
    }
}
