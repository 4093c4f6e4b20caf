import Provenance

/// The persistent machine id and boot counter files
/// (`/etc/camflow-machine_id`, `/etc/camflow-boot_id`): 4 raw bytes each,
/// a host-endian u32. Paths are parameters for tests.
public struct IdentityFiles: Sendable {
    /// The reference path of the machine id file.
    public static let defaultMachineIDPath = "/etc/camflow-machine_id"
    /// The reference path of the boot counter file.
    public static let defaultBootIDPath = "/etc/camflow-boot_id"

    /// Where the machine id is kept.
    public var machineIDPath: String
    /// Where the boot counter is kept.
    public var bootIDPath: String

    /// Creates a value from its fields.
    public init(machineIDPath: String = IdentityFiles.defaultMachineIDPath,
                bootIDPath: String = IdentityFiles.defaultBootIDPath) {
        self.machineIDPath = machineIDPath
        self.bootIDPath = bootIDPath
    }

    /// The machine id to use: `configured` if non-zero, else the id file's
    /// value; a missing file (or one holding 0) gets a new random non-zero id.
    /// - Throws: `SystemError` naming the file (unreadable, short, unwritable).
    public func machineID(configured: UInt32) throws -> UInt32 {
        if configured != 0 { return configured }
        if SystemFile.exists(machineIDPath) {
            let value = try SystemFile.readValue(UInt32.self, from: machineIDPath)
            if value != 0 { return value }
        }
        var generator = SystemRandomNumberGenerator()
        let value = UInt32.random(in: 1...UInt32.max, using: &generator)
        try write(value, to: machineIDPath)
        return value
    }

    /// Increments the boot counter file and returns the new value (1 if the
    /// file is missing; wraps from u32 max to 1, never 0).
    public func nextBootID() throws -> UInt32 {
        var value: UInt32 = 0
        if SystemFile.exists(bootIDPath) {
            value = try SystemFile.readValue(UInt32.self, from: bootIDPath)
        }
        value = value == UInt32.max ? 1 : value + 1
        try write(value, to: bootIDPath)
        return value
    }

    private func write(_ value: UInt32, to path: String) throws {
        let bytes = withUnsafeBytes(of: value) { Array($0) }
        try SystemFile.replace(path, with: bytes)
    }
}
