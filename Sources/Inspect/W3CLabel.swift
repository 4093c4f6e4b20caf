import Provenance

/// Rebuilds the W3C `prov:label` of a node read from SPADE JSON (SPADE has
/// no labels), with the text `camflow record` writes for each kind.
enum W3CLabel {
    static func append(for element: LogElement, to members: inout MemberWriter) {
        let type = element.id.type
        let line = element.line
        func value(_ key: StaticString) -> ByteSpan? { element.value(key) }
        func start(_ text: StaticString) {
            members.key("prov:label")
            members.literal("\"")
            members.literal(text)
        }
        func finish() { members.literal("\"") }
        func content(_ key: StaticString) { if let v = value(key) { members.content(line, v) } }

        switch type {
        case GraphTypes.task:
            start("[task] "); content("version"); finish()
        case GraphTypes.process:
            start("[process] "); content("version"); finish()
        case GraphTypes.iattr:
            start("[iattr] "); content("object_id"); finish()
        case GraphTypes.xattr:
            start("[xattr] "); content("name"); finish()
        case GraphTypes.packetContent:
            start("[content] "); finish()
        case GraphTypes.string:
            start("[log] "); content("log"); finish()
        case GraphTypes.path:
            start("[path] "); content("pathname"); finish()
        case GraphTypes.argv:
            start("[argv] "); content("value"); finish()
        case GraphTypes.envp:
            start("[envp] "); content("value"); finish()
        case GraphTypes.packet:
            start("[packet] "); content("sender"); members.literal("->"); content("receiver")
            members.literal(" ("); content("packet_id"); members.literal(")"); finish()
        case GraphTypes.address:
            start("[address] ")
            appendAddress(element, &members)
            finish()
        default:
            guard GraphTypes.inodes.contains(type), let name = NodeType(rawValue: type).name else { return }
            members.key("prov:label")
            members.text("\"[\(name)] ")
            content("version")
            finish()
        }
    }

    /// `IPV4 host (port)`, `IPV6 host (port)`, `UNIX path` or the family number.
    private static func appendAddress(_ element: LogElement, _ members: inout MemberWriter) {
        let line = element.line
        guard let family = element.value("type") else { return }
        let inet = JSONText.equals(line, family, "\"AF_INET\"")
        let inet6 = JSONText.equals(line, family, "\"AF_INET6\"")
        if inet || inet6 {
            members.literal(inet ? "IPV4" : "IPV6")
            guard let host = element.value("host") else { return }
            members.literal(" ")
            members.content(line, host)
            if let service = element.value("service") {
                members.literal(" (")
                members.content(line, service)
                members.literal(")")
            }
        } else if JSONText.equals(line, family, "\"AF_UNIX\"") {
            members.literal("UNIX ")
            if let path = element.value("path") { members.content(line, path) }
        } else {
            members.content(line, family)
        }
    }
}
