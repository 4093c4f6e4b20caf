import Capture
import Glibc
import Policy
import Provenance
import Serialize
import Sinks

/// The `record` pipeline: set-up, one reader thread per relay file, signal
/// handling, orderly shutdown.
///
/// Signals: SIGTERM, SIGINT and SIGHUP are blocked in every thread before
/// any thread is started, and the main thread takes them with sigwait(2), so
/// no work ever runs in a signal handler. SIGHUP reopens the output;
/// SIGTERM/SIGINT stop the recorder: securityfs `flush` publishes partly
/// filled relay sub-buffers, readers read until their file is empty, every
/// batch is flushed, the sink is synced and closed, and the process exits 0
/// (1 if some documents could not be written).
struct Recorder {
    let configPath: String
    let relayRoot: String
    let securityFSRoot: String

    func run() -> Never {
        var signals = sigset_t()
        sigemptyset(&signals)
        for s in [SIGTERM, SIGINT, SIGHUP] { sigaddset(&signals, s) }
        pthread_sigmask(SIG_BLOCK, &signals, nil)
        signal(SIGPIPE, SIG_IGN)

        // Everything that can fail before recording starts prints exactly one line.
        let loaded: LoadedRecorderConfiguration
        do {
            loaded = try RecorderConfiguration.load(path: configPath)
        } catch {
            fail("\(error)")
        }
        for warning in loaded.warnings { log.warning("\(warning)") }
        // Opaque first: nothing the recorder does, opening its log
        // included, may end up in the graph.
        let securityFS = SecurityFS(root: securityFSRoot)
        do {
            try securityFS.markSelfOpaque()
        } catch {
            fail("\(error) (cannot mark the recorder opaque)")
        }
        let logPath = loaded.configuration.logPath ?? ""
        let sink: SharedSink
        do {
            sink = SharedSink(try LogSink(path: logPath))
        } catch {
            fail("\(error) (output of \(configPath))")
        }
        var epochError: Error?
        do { try securityFS.bumpEpoch() } catch { epochError = error }

        let files: [RelayFile]
        do {
            files = try RelayDiscovery.discover(root: relayRoot)
        } catch {
            fail("\(error)")
        }
        var readers: [(reader: RelayReader, cpu: Int)] = []
        for file in files {
            do {
                readers.append((try RelayReader(path: file.path), file.cpu))
            } catch {
                fail("\(error)")
            }
        }
        var pipeFDs: [Int32] = [-1, -1]
        guard pipe(&pipeFDs) == 0 else {
            fail("cannot create a pipe: \(String(cString: strerror(errno)))")
        }
        for fd in pipeFDs { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        if let epochError { log.warning("\(epochError) (epoch not changed)") }

        let shared = RecorderShared(sink: sink, names: NameCache(), wakeFD: pipeFDs[0])
        var threads: [pthread_t] = []
        for (reader, cpu) in readers {
            let handoff = Handoff(reader)
            guard let thread = spawnThread({
                // relay buffers are written with interrupts off on their own
                // CPU: a reader on that CPU never sees a half-written record
                // or a half-done sub-buffer switch.
                if !pinCurrentThread(toCPU: cpu) {
                    log.warning("\(handoff.value.path): cannot run the reader on CPU \(cpu)")
                }
                ReaderWorker(reader: handoff.value, shared: shared).run()
            }) else {
                fail("cannot start a reader thread for \(reader.path)")
            }
            threads.append(thread)
        }
        readers.removeAll()
        log.info("recording \(files.count) relay files under \(relayRoot) to \(logPath) (W3C PROV-JSON)")

        waitForStop(signals, sink: sink)

        do { try securityFS.flush() } catch { log.warning("\(error) (relay not flushed)") }
        shared.stopping.store(true, ordering: .releasing)
        var one: UInt8 = 1
        _ = write(pipeFDs[1], &one, 1)
        for thread in threads { pthread_join(thread, nil) }

        do { try sink.flush() } catch { log.warning("\(error)") }
        sink.close()
        let totals = shared.totals.withLock { $0 }
        let dropped: String
        do {
            dropped = String(try DropCounter.read(securityFSRoot: securityFSRoot))
        } catch {
            dropped = "unknown"
        }
        let r = totals.reader
        log.info("stopped: records read \(r.records), decoded \(r.decoded), undecodable \(r.undecodable), dropped by the kernel \(dropped), documents written \(totals.documents - totals.failedWrites), lost \(totals.failedWrites)")
        exit(totals.failedWrites > 0 || totals.readFailures > 0 ? 1 : 0)
    }

    /// Takes blocked signals until SIGTERM or SIGINT; SIGHUP reopens the output.
    private func waitForStop(_ signals: sigset_t, sink: SharedSink) {
        var set = signals
        while true {
            var received: Int32 = 0
            let rc = sigwait(&set, &received)
            if rc != 0 { continue }
            if received == SIGHUP {
                do {
                    try sink.reopen()
                    log.info("output reopened")
                } catch {
                    log.error("\(error)")
                }
                continue
            }
            log.info("signal \(received) received: flushing and stopping")
            return
        }
    }
}
