import Glibc

/// A raw `struct sockaddr` from an address record, parsed into what both
/// output formats write. Hosts and ports are numeric (no name resolution).
enum SocketAddress: Equatable {
    /// Fewer bytes than an address family.
    case empty
    /// AF_INET with its dotted quad and port.
    case inet(host: [UInt8], port: UInt16)
    /// AF_INET6 with its textual address and port.
    case inet6(host: [UInt8], port: UInt16)
    /// AF_INET or AF_INET6 without room for the whole structure.
    case incomplete(family: Int32)
    /// AF_UNIX with its path; an abstract name (leading NUL) is written
    /// `@name`, the convention of ss(8) (the reference wrote an empty path).
    case unix(path: [UInt8])
    /// Any other family, by number.
    case other(family: Int32)

    /// Parses `bytes` (never fails: short or unknown input gets its own case).
    init(_ bytes: [UInt8]) {
        self = bytes.withUnsafeBytes { raw -> SocketAddress in
            guard raw.count >= MemoryLayout<sa_family_t>.size else { return .empty }
            let family = Int32(raw.loadUnaligned(as: sa_family_t.self))
            switch family {
            case AF_INET where raw.count >= MemoryLayout<sockaddr_in>.size:
                let sin = raw.loadUnaligned(as: sockaddr_in.self)
                let ip = UInt32(bigEndian: sin.sin_addr.s_addr)
                var host: [UInt8] = []
                host.appendEndpoint(ip: ip, port: 0)
                host.removeLast(2)  // drop ":0"
                return .inet(host: host, port: UInt16(bigEndian: sin.sin_port))
            case AF_INET6 where raw.count >= MemoryLayout<sockaddr_in6>.size:
                var sin6 = raw.loadUnaligned(as: sockaddr_in6.self)
                var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
                let ok = inet_ntop(AF_INET6, &sin6.sin6_addr, &text, socklen_t(text.count)) != nil
                let host = ok ? text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) } : []
                return .inet6(host: host, port: UInt16(bigEndian: sin6.sin6_port))
            case AF_UNIX:
                var path = Array(raw[MemoryLayout<sa_family_t>.size...])
                if path.first == 0 {
                    path.removeFirst()
                    while path.last == 0 { path.removeLast() }
                    path.insert(UInt8(ascii: "@"), at: 0)
                } else if let end = path.firstIndex(of: 0) {
                    path.removeSubrange(end...)
                }
                return .unix(path: path)
            case AF_INET, AF_INET6:
                return .incomplete(family: family)
            default:
                return .other(family: family)
            }
        }
    }
}
