import CThreadAffinity
import Glibc

/// Moves a non-Sendable value to the one thread that will own it from then on.
final class Handoff<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

/// Restricts the calling thread to one CPU. Returns false if the CPU does
/// not exist or is not allowed.
func pinCurrentThread(toCPU cpu: Int) -> Bool {
    guard let cpu = Int32(exactly: cpu) else { return false }
    return camflow_pin_current_thread(cpu) == 0
}
