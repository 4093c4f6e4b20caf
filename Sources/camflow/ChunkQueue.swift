import Sinks

/// Raw relay bytes handed from a reader thread, pinned to the CPU of its
/// relay file, to that file's encoder thread, which may run on any CPU:
/// in order, bounded (the reader waits for room, so that the kernel's relay
/// buffers, not the recorder's memory, absorb a burst), with buffers
/// recycled (two kept: no allocation per read while the encoder keeps up).
///
/// One producer and one consumer; every field is guarded by `monitor`.
final class ChunkQueue: @unchecked Sendable {
    /// What `pop` found.
    enum Popped {
        /// Bytes `0..<count` of `buffer`; give `buffer` back with `recycle`.
        case chunk(buffer: [UInt8], count: Int)
        /// Nothing arrived in time.
        case timeout
        /// The reader is done and everything it pushed was popped.
        case closed
    }

    /// Size of each buffer.
    let chunkSize: Int
    private let capacity: Int
    private let monitor = Monitor()
    private var chunks: [(buffer: [UInt8], count: Int)] = []
    private var head = 0
    private var free: [[UInt8]] = []
    private var isClosed = false

    /// A queue of at most `capacity` chunks of `chunkSize` bytes.
    init(capacity: Int, chunkSize: Int) {
        self.capacity = max(1, capacity)
        self.chunkSize = chunkSize
    }

    /// A buffer of `chunkSize` bytes to read into: a recycled one if any.
    func emptyBuffer() -> [UInt8] {
        monitor.locked { free.popLast() } ?? [UInt8](repeating: 0, count: chunkSize)
    }

    /// Appends bytes `0..<count` of `buffer`; waits while the queue is full.
    func push(_ buffer: [UInt8], count: Int) {
        monitor.locked {
            while chunks.count - head >= capacity {
                monitor.wait(milliseconds: 100)
            }
            chunks.append((buffer, count))
            monitor.broadcast()
        }
    }

    /// The oldest chunk, waiting at most `timeoutMs` for one.
    func pop(timeoutMs: Int64) -> Popped {
        monitor.locked {
            if head == chunks.count && !isClosed && timeoutMs > 0 {
                monitor.wait(milliseconds: timeoutMs)
            }
            guard head < chunks.count else { return isClosed ? .closed : .timeout }
            let chunk = chunks[head]
            chunks[head].buffer = []
            head += 1
            if head == chunks.count {
                chunks.removeAll(keepingCapacity: true)
                head = 0
            }
            monitor.broadcast()
            return .chunk(buffer: chunk.buffer, count: chunk.count)
        }
    }

    /// Gives back a buffer `pop` returned, for a later `emptyBuffer`.
    func recycle(_ buffer: [UInt8]) {
        monitor.locked {
            if free.count < 2 { free.append(buffer) }
        }
    }

    /// No more pushes: `pop` returns `.closed` once the queue is empty.
    func close() {
        monitor.locked {
            isClosed = true
            monitor.broadcast()
        }
    }
}
