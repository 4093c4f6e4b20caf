import Glibc
import Provenance

/// Sends each chunk, followed by a NUL byte, as one datagram to a UNIX
/// datagram socket (`output=unix` or `unix_socket`).
///
/// The socket is not bound (the original bound a client path relative to
/// its working directory). A missing or stopped listener is a `.retry`
/// error: the sink connects again on the next attempt. A datagram the
/// socket refuses as too large (EMSGSIZE) is a `.tooLarge` error: the
/// pipeline splits the chunk into smaller documents and sends those.
public final class UnixSocketSink: Sink {
    /// The listener's socket path.
    public let address: String
    public var name: String { "unix socket \(address)" }
    private var fd: Int32 = -1
    private let sendBufferBytes: Int32?
    private var connected = false

    /// How long one `write` waits for room in the listener's queue.
    static let waitMs: Int32 = 200

    /// Creates the socket; connects lazily.
    /// - Parameter sendBufferBytes: SO_SNDBUF to set (tests use a small one
    ///   to make the kernel refuse large datagrams).
    /// - Throws: `SystemError` if the socket cannot be created.
    public init(address: String, sendBufferBytes: Int32? = nil) throws {
        self.address = address
        self.sendBufferBytes = sendBufferBytes
        try openSocket()
    }

    deinit { close() }

    private func openSocket() throws {
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        if fd < 0 { throw SystemError(path: address, operation: "create a socket for", code: errno) }
        if var size = sendBufferBytes {
            _ = setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        connected = false
    }

    private func connectSocket() throws {
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(address.utf8)
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in
            for (i, b) in bytes.prefix(raw.count - 1).enumerated() { raw[i] = b }
        }
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        if rc != 0 {
            throw SinkError(.retry, "cannot connect to unix socket \(address): \(describeErrno(errno)) (retrying)")
        }
        connected = true
    }

    public func write(_ chunk: UnsafeRawBufferPointer, progress: inout Int) throws {
        if fd < 0 { try openSocket() }
        if !connected { try connectSocket() }
        var nul: UInt8 = 0
        while true {
            let n: Int = withUnsafeMutablePointer(to: &nul) { nulPointer in
                var iov = [iovec(iov_base: UnsafeMutableRawPointer(mutating: chunk.baseAddress), iov_len: chunk.count),
                           iovec(iov_base: UnsafeMutableRawPointer(nulPointer), iov_len: 1)]
                return iov.withUnsafeMutableBufferPointer { iovs in
                    var msg = msghdr()
                    msg.msg_iov = iovs.baseAddress
                    msg.msg_iovlen = 2
                    return sendmsg(fd, &msg, Int32(MSG_DONTWAIT) | Int32(MSG_NOSIGNAL))
                }
            }
            if n >= 0 {
                progress = chunk.count + 1
                return
            }
            let code = errno
            switch code {
            case EINTR: continue
            case EMSGSIZE:
                throw SinkError(.tooLarge, "unix socket \(address) refuses a datagram of \(chunk.count + 1) bytes")
            case EAGAIN, EWOULDBLOCK, ENOBUFS:
                var p = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                if poll(&p, 1, Self.waitMs) > 0 { continue }
                throw SinkError(.retry, "unix socket \(address) is not taking datagrams (retrying)")
            case ECONNREFUSED, ENOTCONN, ENOENT, EDESTADDRREQ, EPIPE, ECONNRESET:
                // listener gone: a new socket connects to the next one
                Glibc.close(fd)
                fd = -1
                connected = false
                throw SinkError(.retry, "cannot send to unix socket \(address): \(describeErrno(code)) (retrying)")
            default:
                throw SinkError(.failed, "cannot send to unix socket \(address): \(describeErrno(code))")
            }
        }
    }

    public func flush() throws {}

    /// Connects again on the next write (a restarted listener).
    public func reopen() throws {
        close()
        try openSocket()
    }

    public func close() {
        if fd >= 0 {
            Glibc.close(fd)
            fd = -1
        }
        connected = false
    }
}
