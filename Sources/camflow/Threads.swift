import CThreadAffinity
import Glibc

/// Moves a non-Sendable value to the one thread that will own it from then on.
final class Handoff<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

private final class ThreadBody {
    let body: @Sendable () -> Void
    init(_ body: @escaping @Sendable () -> Void) { self.body = body }
}

/// Starts a POSIX thread running `body` (no Foundation needed). Returns nil
/// if the thread could not be created.
func spawnThread(_ body: @escaping @Sendable () -> Void) -> pthread_t? {
    let box = Unmanaged.passRetained(ThreadBody(body)).toOpaque()
    var thread = pthread_t()
    let rc = pthread_create(&thread, nil, { arg in
        guard let arg else { return nil }
        Unmanaged<ThreadBody>.fromOpaque(arg).takeRetainedValue().body()
        return nil
    }, box)
    if rc != 0 {
        Unmanaged<ThreadBody>.fromOpaque(box).release()
        return nil
    }
    return thread
}

/// Milliseconds of CLOCK_MONOTONIC.
func monotonicMilliseconds() -> Int64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
}

/// Restricts the calling thread to one CPU. Returns false if the CPU does
/// not exist or is not allowed.
func pinCurrentThread(toCPU cpu: Int) -> Bool {
    guard let cpu = Int32(exactly: cpu) else { return false }
    return camflow_pin_current_thread(cpu) == 0
}
