import Glibc

/// The bytes a stream sink appends to each chunk.
public enum ChunkTerminator: Sendable, Equatable {
    /// Nothing (SPADE lines in a log already end in `\n`).
    case none
    /// `\n` (W3C documents in a log: one document per line).
    case newline
    /// `\0` (fifo and unix socket, both formats, as the original).
    case nul

    /// The terminator byte, if any.
    var byte: UInt8? {
        switch self {
        case .none: return nil
        case .newline: return 10
        case .nul: return 0
        }
    }
}

/// Outcome of one `writeFramed` call.
enum FramedWriteResult {
    /// Everything written.
    case done
    /// The descriptor is non-blocking and full (EAGAIN).
    case wouldBlock
    /// write(2) failed with this errno.
    case failed(Int32)
}

/// Writes `chunk` followed by `terminator` to `fd`, starting at `progress`
/// framed bytes and advancing it, with writev(2) so that the chunk and its
/// terminator usually leave in one call. Short writes continue; EINTR is
/// retried.
func writeFramed(fd: Int32, _ chunk: UnsafeRawBufferPointer, terminator: ChunkTerminator,
                 progress: inout Int) -> FramedWriteResult {
    var tail: UInt8 = terminator.byte ?? 0
    let total = chunk.count + (terminator.byte == nil ? 0 : 1)
    while progress < total {
        let n: Int = withUnsafeMutablePointer(to: &tail) { tailPointer in
            var iov = [iovec](repeating: iovec(), count: 2)
            var count: Int32 = 0
            if progress < chunk.count, let base = chunk.baseAddress {
                iov[0] = iovec(iov_base: UnsafeMutableRawPointer(mutating: base + progress),
                               iov_len: chunk.count - progress)
                count = 1
            }
            if terminator.byte != nil {
                iov[Int(count)] = iovec(iov_base: UnsafeMutableRawPointer(tailPointer), iov_len: 1)
                count += 1
            }
            return writev(fd, &iov, count)
        }
        if n < 0 {
            let code = errno
            if code == EINTR { continue }
            if code == EAGAIN || code == EWOULDBLOCK { return .wouldBlock }
            return .failed(code)
        }
        progress += n
    }
    return .done
}

/// strerror(3) as a String.
func describeErrno(_ code: Int32) -> String { String(cString: strerror(code)) }
