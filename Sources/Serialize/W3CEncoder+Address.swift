import Glibc
import Provenance

extension W3CEncoder {
    /// Address node attributes.
    ///
    /// Fix over the reference: it wrote `"cf:address":{"type":..,"host":..,
    /// "service":..}`, a nested object that PROV-JSON readers reject (attribute
    /// values must be literals). The same information is written as flat
    /// attributes instead:
    ///
    /// | family    | attributes                                                  | label                 |
    /// |-----------|-------------------------------------------------------------|-----------------------|
    /// | AF_INET   | `cf:address_family` "AF_INET", `cf:host`, `cf:service`      | `IPV4 host (port)`    |
    /// | AF_INET6  | `cf:address_family` "AF_INET6", `cf:host`, `cf:service`     | `IPV6 host (port)`    |
    /// | AF_UNIX   | `cf:address_family` "AF_UNIX", `cf:path`                     | `UNIX path`           |
    /// | other     | `cf:address_family` = the family number as a string          | `<family>`            |
    ///
    /// Hosts and ports are numeric (no name resolution). An abstract UNIX
    /// socket name (leading NUL) is written as `@name`, the convention of
    /// ss(8); the reference wrote an empty path. An address too short for its
    /// family gets `cf:address_family` only.
    func appendAddress(_ bytes: [UInt8], to out: inout [UInt8]) {
        bytes.withUnsafeBytes { raw in
            guard raw.count >= MemoryLayout<sa_family_t>.size else {
                out.append(",\"prov:label\":\"[address] \"")
                return
            }
            let family = Int32(raw.loadUnaligned(as: sa_family_t.self))
            switch family {
            case AF_INET where raw.count >= MemoryLayout<sockaddr_in>.size:
                let sin = raw.loadUnaligned(as: sockaddr_in.self)
                let ip = UInt32(bigEndian: sin.sin_addr.s_addr)
                let port = UInt16(bigEndian: sin.sin_port)
                var host: [UInt8] = []
                host.appendEndpoint(ip: ip, port: 0)
                host.removeLast(2)  // drop ":0"
                appendInet("AF_INET", "IPV4 ", host, port, to: &out)
            case AF_INET6 where raw.count >= MemoryLayout<sockaddr_in6>.size:
                var sin6 = raw.loadUnaligned(as: sockaddr_in6.self)
                let port = UInt16(bigEndian: sin6.sin6_port)
                var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
                let ok = inet_ntop(AF_INET6, &sin6.sin6_addr, &text, socklen_t(text.count)) != nil
                let host = ok ? text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) } : []
                appendInet("AF_INET6", "IPV6 ", host, port, to: &out)
            case AF_UNIX:
                let start = MemoryLayout<sa_family_t>.size
                var path = Array(raw[start...])
                var abstract = false
                if path.first == 0 {
                    abstract = true
                    path.removeFirst()
                    while path.last == 0 { path.removeLast() }
                } else if let end = path.firstIndex(of: 0) {
                    path.removeSubrange(end...)
                }
                if abstract { path.insert(UInt8(ascii: "@"), at: 0) }
                out.append(",\"cf:address_family\":\"AF_UNIX\",\"cf:path\":")
                out.appendJSONString(path)
                out.append(",\"prov:label\":\"[address] UNIX ")
                out.appendEscaped(path)
                out.append(UInt8(ascii: "\""))
            case AF_INET, AF_INET6:
                out.append(family == AF_INET ? ",\"cf:address_family\":\"AF_INET\"" : ",\"cf:address_family\":\"AF_INET6\"")
                out.append(",\"prov:label\":\"[address] ")
                out.append(family == AF_INET ? "IPV4" : "IPV6")
                out.append(UInt8(ascii: "\""))
            default:
                out.append(",\"cf:address_family\":\"")
                out.appendDecimal(UInt64(family))
                out.append("\",\"prov:label\":\"[address] ")
                out.appendDecimal(UInt64(family))
                out.append(UInt8(ascii: "\""))
            }
        }
    }

    private func appendInet(_ family: StaticString, _ labelPrefix: StaticString, _ host: [UInt8],
                            _ port: UInt16, to out: inout [UInt8]) {
        out.append(",\"cf:address_family\":\"")
        out.append(family)
        out.append("\",\"cf:host\":")
        out.appendJSONString(host)
        out.append(",\"cf:service\":\"")
        out.appendDecimal(UInt64(port))
        out.append("\",\"prov:label\":\"[address] ")
        out.append(labelPrefix)
        out.appendEscaped(host)
        out.append(" (")
        out.appendDecimal(UInt64(port))
        out.append(")\"")
    }
}
