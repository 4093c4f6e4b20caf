import Glibc

/// User and group names ↔ ids through the system databases (getpwnam_r,
/// getgrnam_r and their by-id twins).
public enum Accounts {
    /// The uid of `name`; a name not in the database that is a decimal
    /// number is taken as the uid itself. nil when neither.
    public static func uid(_ name: String) -> UInt32? {
        if let id = lookup({ buf, size, result in
            var entry = passwd()
            var found: UnsafeMutablePointer<passwd>?
            let rc = getpwnam_r(name, &entry, buf, size, &found)
            result = found == nil ? nil : entry.pw_uid
            return rc
        }) { return id }
        return numeric(name)
    }

    /// The gid of `name`, or the number itself (see `uid(_:)`).
    public static func gid(_ name: String) -> UInt32? {
        if let id = lookup({ buf, size, result in
            var entry = group()
            var found: UnsafeMutablePointer<group>?
            let rc = getgrnam_r(name, &entry, buf, size, &found)
            result = found == nil ? nil : entry.gr_gid
            return rc
        }) { return id }
        return numeric(name)
    }

    /// The user name of `uid`, or the number in decimal when it has no entry.
    public static func userName(_ uid: UInt32) -> String {
        name { buf, size, result in
            var entry = passwd()
            var found: UnsafeMutablePointer<passwd>?
            let rc = getpwuid_r(uid, &entry, buf, size, &found)
            result = found == nil ? nil : entry.pw_name.map { String(cString: $0) }
            return rc
        } ?? String(uid)
    }

    /// The group name of `gid`, or the number in decimal when it has no entry.
    public static func groupName(_ gid: UInt32) -> String {
        name { buf, size, result in
            var entry = group()
            var found: UnsafeMutablePointer<group>?
            let rc = getgrgid_r(gid, &entry, buf, size, &found)
            result = found == nil ? nil : entry.gr_name.map { String(cString: $0) }
            return rc
        } ?? String(gid)
    }

    /// A decimal number in u32 range (digits only).
    static func numeric(_ text: String) -> UInt32? {
        guard !text.isEmpty, text.count <= 10, text.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return UInt32(text)
    }

    private static func lookup(
        _ body: (UnsafeMutablePointer<CChar>, Int, inout UInt32?) -> Int32) -> UInt32? {
        var size = 1024
        while size <= 1 << 20 {
            var result: UInt32?
            var buffer = [CChar](repeating: 0, count: size)
            let rc = buffer.withUnsafeMutableBufferPointer { buf -> Int32 in
                guard let base = buf.baseAddress else { return EINVAL }
                return body(base, size, &result)
            }
            if rc == ERANGE { size *= 4; continue }
            return rc == 0 ? result : nil
        }
        return nil
    }

    private static func name(
        _ body: (UnsafeMutablePointer<CChar>, Int, inout String?) -> Int32) -> String? {
        var size = 1024
        while size <= 1 << 20 {
            var result: String?
            var buffer = [CChar](repeating: 0, count: size)
            let rc = buffer.withUnsafeMutableBufferPointer { buf -> Int32 in
                guard let base = buf.baseAddress else { return EINVAL }
                return body(base, size, &result)
            }
            if rc == ERANGE { size *= 4; continue }
            return rc == 0 ? result : nil
        }
        return nil
    }
}
