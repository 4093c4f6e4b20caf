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
    func appendAddress(_ bytes: [UInt8], to out: inout ByteBuffer) {
        switch SocketAddress(bytes) {
        case .empty:
            out.append(",\"prov:label\":\"[address] \"")
        case let .inet(host, port):
            appendInet("AF_INET", "IPV4 ", host, port, to: &out)
        case let .inet6(host, port):
            appendInet("AF_INET6", "IPV6 ", host, port, to: &out)
        case let .unix(path):
            out.append(",\"cf:address_family\":\"AF_UNIX\",\"cf:path\":")
            out.appendJSONString(path)
            out.append(",\"prov:label\":\"[address] UNIX ")
            out.appendEscaped(path)
            out.append(UInt8(ascii: "\""))
        case let .incomplete(family):
            out.append(family == AF_INET ? ",\"cf:address_family\":\"AF_INET\"" : ",\"cf:address_family\":\"AF_INET6\"")
            out.append(",\"prov:label\":\"[address] ")
            out.append(family == AF_INET ? "IPV4" : "IPV6")
            out.append(UInt8(ascii: "\""))
        case let .other(family):
            out.append(",\"cf:address_family\":\"")
            out.appendDecimal(UInt64(family))
            out.append("\",\"prov:label\":\"[address] ")
            out.appendDecimal(UInt64(family))
            out.append(UInt8(ascii: "\""))
        }
    }

    private func appendInet(_ family: StaticString, _ labelPrefix: StaticString, _ host: [UInt8],
                            _ port: UInt16, to out: inout ByteBuffer) {
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
