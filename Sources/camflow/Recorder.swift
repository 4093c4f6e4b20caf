import Capture
import Glibc
import Policy
import Provenance
import Serialize
import Sinks

/// The `record` pipeline: set-up, one reader thread per relay file, one
/// writer thread (the output pipeline), signal handling, statistics,
/// orderly shutdown.
///
/// Signals: SIGTERM, SIGINT and SIGHUP are blocked in every thread before
/// any thread is started, and the main thread takes them with
/// sigtimedwait(2), so no work ever runs in a signal handler. Each relay
/// file has a reader thread, pinned to its CPU, and an encoder thread
/// (`RelayFileWorkers`). SIGHUP reopens the output between two chunks;
/// SIGTERM/SIGINT stop the recorder: securityfs `flush` publishes partly
/// filled relay sub-buffers, readers read until their file is empty, every
/// encoder flushes its batch once its reader is done, the writer
/// delivers what is queued (waiting at most `networkWaitMs` for an output
/// that is down; then the spool keeps it), and the process exits 0 (1 if
/// records were lost on the way).
struct Recorder {
    let configPath: String
    let relayRoot: String
    let securityFSRoot: String

    /// How long shutdown waits for an output that is not taking data.
    static let networkWaitMs: Int64 = 10_000
    /// Chunks of relay bytes a reader thread may queue for its encoder
    /// before it waits (4 x 256 KiB per relay file; the kernel's relay
    /// buffers hold the rest of a burst).
    static let queuedChunks = 4

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
        let config = loaded.configuration
        let securityFS = SecurityFS(root: securityFSRoot)
        guard securityFS.isPresent else {
            fail("\(securityFS.path("enable")) does not exist: the provenance LSM is not in this kernel (or securityfs is not mounted)")
        }
        do { try RecorderOutput.checkABI(securityFS) } catch { fail("\(error)") }
        // Opaque first: nothing the recorder does, opening its output
        // included, may end up in the graph.
        do {
            try securityFS.markSelfOpaque()
        } catch {
            fail("\(error) (cannot mark the recorder opaque)")
        }
        let sink: any Sink
        do {
            sink = try RecorderOutput.open(config, securityFS: securityFS)
        } catch {
            fail("\(error) (output=\(config.output == .unixSocket ? "unix" : config.output.rawValue) of \(configPath))")
        }
        let description = RecorderOutput.describe(config, sink: sink)
        var spool: Spool?
        if let settings = config.spool {
            do {
                spool = try Spool(directory: settings.directory, maxBytes: settings.maxBytes)
            } catch {
                fail("\(error) ([spool] path of \(configPath))")
            }
        }
        guard let output = OutputPipeline(sink: sink, linesFraming: config.format == .spadeJSON,
                                          queueBytes: config.queueBytes, spool: spool,
                                          report: { message, isError in
                                              if isError { log.error("\(message)") } else { log.info("\(message)") }
                                          })
        else {
            fail("cannot start the output thread")
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

        let shared = RecorderShared(output: output, names: NameCache(), format: config.format, wakeFD: pipeFDs[0])
        var threads: [pthread_t] = []
        for (reader, cpu) in readers {
            let workers = RelayFileWorkers(reader: reader, queue: ChunkQueue(capacity: Self.queuedChunks,
                                                                              chunkSize: RelayReader.defaultBufferSize),
                                           shared: shared)
            let handoff = Handoff(workers)
            guard let readerThread = spawnThread({
                // relay buffers are written with interrupts off on their own
                // CPU: a reader on that CPU never sees a half-written record
                // or a half-done sub-buffer switch.
                if !pinCurrentThread(toCPU: cpu) {
                    log.warning("\(handoff.value.reader.path): cannot run the reader on CPU \(cpu)")
                }
                handoff.value.runReader()
            }) else {
                fail("cannot start a reader thread for \(reader.path)")
            }
            guard let encoderThread = spawnThread({ handoff.value.runEncoder() }) else {
                fail("cannot start an encoder thread for \(reader.path)")
            }
            threads += [readerThread, encoderThread]
        }
        readers.removeAll()
        log.info("recording \(files.count) relay files under \(relayRoot) to \(description)")

        waitForStop(signals, shared: shared, intervalSeconds: config.statsIntervalSeconds)

        do { try securityFS.flush() } catch { log.warning("\(error) (relay not flushed)") }
        shared.stopping.store(true, ordering: .releasing)
        var one: UInt8 = 1
        _ = write(pipeFDs[1], &one, 1)
        for thread in threads { pthread_join(thread, nil) }

        let outputStats = output.finish(waitMs: Self.networkWaitMs)
        let totals = shared.totals.withLock { $0 }
        let r = totals.reader
        log.info("stopped: \(RecorderStatistics.line(shared: shared, output: outputStats, securityFS: securityFS)), undecodable \(r.undecodable), not serializable \(totals.skipped)")
        let lost = outputStats.recordsDropped > 0 || outputStats.chunksDropped > 0
        exit(lost || totals.readFailures > 0 ? 1 : 0)
    }

    /// Takes blocked signals until SIGTERM or SIGINT; SIGHUP reopens the
    /// output; every `intervalSeconds` (if not 0) logs the statistics.
    private func waitForStop(_ signals: sigset_t, shared: RecorderShared, intervalSeconds: Int) {
        var set = signals
        let securityFS = SecurityFS(root: securityFSRoot)
        var nextReport = monotonicMilliseconds() + Int64(intervalSeconds) * 1000
        while true {
            var received: Int32 = 0
            if intervalSeconds > 0 {
                let wait = max(0, nextReport - monotonicMilliseconds())
                var timeout = timespec(tv_sec: Int(wait / 1000), tv_nsec: Int(wait % 1000) * 1_000_000)
                received = sigtimedwait(&set, nil, &timeout)
                if received < 0 {
                    if errno == EAGAIN {
                        nextReport += Int64(intervalSeconds) * 1000
                        let line = RecorderStatistics.line(shared: shared, output: shared.output.statistics,
                                                           securityFS: securityFS)
                        log.info("\(line)")
                    }
                    continue
                }
            } else if sigwait(&set, &received) != 0 {
                continue
            }
            if received == SIGHUP {
                shared.output.requestReopen()
                continue
            }
            log.info("signal \(received) received: flushing and stopping")
            return
        }
    }
}

/// The statistics line logged every `stats_interval` seconds and at exit.
enum RecorderStatistics {
    static func line(shared: RecorderShared, output: OutputStatistics, securityFS: SecurityFS) -> String {
        let dropped: String
        do {
            dropped = String(try securityFS.dropped())
        } catch {
            dropped = "unknown"
        }
        let live = shared.live
        var text = "records read \(live.recordsRead.load(ordering: .relaxed)), written \(output.recordsWritten)"
        text += " in \(output.chunksWritten) chunks, dropped by the kernel \(dropped)"
        text += ", dropped by the output \(output.recordsDropped)"
        let unknown = live.unknownKinds.load(ordering: .relaxed)
        if unknown > 0 { text += ", of unknown kinds \(unknown)" }
        if output.queuedChunks > 0 { text += ", chunks queued \(output.queuedChunks)" }
        if output.chunksSpooled > 0 || output.spoolChunks > 0 {
            text += ", chunks spooled \(output.chunksSpooled) (\(output.spoolChunks) waiting, \(output.spoolBytes) bytes)"
        }
        return text
    }
}
