import CProvenanceABI

/// One example record of every kind, with fixed values (machine id
/// 2887429013, boot id 3, epoch 2, 2022-10-30 21:15:02 UTC), for tests,
/// golden files and benchmarks.
public enum RecordSamples {
    public static let machineID: UInt32 = 2_887_429_013
    public static let bootID: UInt32 = 3
    /// 2022-10-30T21:15:02Z plus 123 ns.
    public static let timeNs: UInt64 = 1_667_164_502_000_000_123

    static func node(_ type: UInt64, _ id: UInt64, version: UInt32 = 1) -> Identifier {
        Identifier(node: type, id: id, bootID: bootID, machineID: machineID, version: version)
    }

    static func element(_ id: Identifier, jiffies: UInt64 = 4_295_123_456) -> Element {
        Element(identifier: id, epoch: 2, flags: 0, jiffies: jiffies, taint: 0)
    }

    static let header = RecordHeader(size: 0, flags: 0, timeNs: timeNs)

    /// The path node naming `file` and `task` (/usr/bin/wget).
    public static let pathID = node(ENT_PATH, 4301, version: 0)
    public static let taskID = node(ACT_TASK, 4242, version: 2)
    public static let fileID = node(ENT_INODE_FILE, 4300, version: 1)

    /// Named samples, one per record kind (two for `arg`: argv and envp).
    public static var all: [(name: String, record: Record)] {
        var list: [(String, Record)] = []
        func add(_ name: String, _ id: Identifier, node: NodeCommon = NodeCommon(nameID: .zero),
                 _ payload: Payload) {
            list.append((name, Record(header: header, element: element(id), node: node, payload: payload)))
        }
        let named = NodeCommon(nameID: pathID, secid: 0, uid: 1000, gid: 1000)

        add("relation", Identifier(relation: RL_READ, id: 99, bootID: bootID, machineID: machineID),
            .relation(RelationInfo(sender: fileID, receiver: taskID, offset: 8192, flags: 0x8001,
                                   taskID: 4242, allowed: true, hasOffset: true)))
        var t = TaskInfo()
        t.pid = 1234; t.vpid = 1234; t.utime = 1500; t.stime = 300; t.vm = 12000; t.rss = 3000
        t.hwVM = 12500; t.hwRSS = 3100; t.rbytes = 4096; t.wbytes = 0; t.cancelWbytes = 0
        t.utsns = 4_026_531_838; t.ipcns = 4_026_531_839; t.mntns = 4_026_531_840
        t.pidns = 4_026_531_836; t.netns = 4_026_531_992; t.cgroupns = 4_026_531_835
        add("task", taskID, node: named, .task(t))
        add("proc", node(ENT_PROC, 4244), node: named, .proc(ProcInfo(tgid: 1234)))
        let uuid = UUIDBytes(bytes: (0..<16).map { UInt8(0x10 + $0 * 7) })
        add("inode", fileID, node: named,
            .inode(InodeInfo(ino: 0x1_0014_0202, mode: 0o100644, superblockUUID: uuid)))
        add("msg", node(ENT_MSG, 4500), .msg(MsgInfo(type: 1)))
        add("shm", node(ENT_SHM, 4501), .shm(ShmInfo(mode: 0o600)))
        add("sb", node(ENT_SBLCK, 4502), .sb(SuperblockInfo(uuid: uuid)))
        var pid = prov_identifier()
        pid.packet.type = ENT_PACKET
        pid.packet.id = UInt16(513).bigEndian
        pid.packet.snd_ip = UInt32(0x0A00_0002).bigEndian
        pid.packet.rcv_ip = UInt32(0x0A00_0001).bigEndian
        pid.packet.snd_port = UInt16(51000).bigEndian
        pid.packet.rcv_port = UInt16(80).bigEndian
        pid.packet.protocol = 6
        pid.packet.seq = UInt32(123_456).bigEndian
        add("packet", Identifier(pid), .packet(PacketInfo(length: 60)))
        var a = IattrInfo()
        a.valid = 1; a.mode = 0o100755; a.size = 0
        a.atime = 1_667_000_000; a.ctime = 1_667_000_001; a.mtime = 1_667_000_002
        add("iattr", node(ENT_IATTR, 4400, version: 0), .iattr(a))
        add("string", node(ENT_STR, 4402, version: 0), .string(TextPayload(bytes: Array("hello \"world\"".utf8))))
        add("path", pathID, .path(TextPayload(bytes: Array("/usr/bin/wget".utf8))))
        var sin = [UInt8](repeating: 0, count: 16)
        sin[0] = 2  // AF_INET, host order (little endian)
        sin[2] = 0x01; sin[3] = 0xBB  // port 443, network order
        sin[4] = 93; sin[5] = 184; sin[6] = 216; sin[7] = 34
        add("address", node(ENT_ADDR, 4302, version: 0), .address(TextPayload(bytes: sin)))
        add("xattr", node(ENT_XATTR, 4401, version: 0),
            .xattr(XattrInfo(name: Array("user.comment".utf8), value: Array("hello".utf8))))
        add("packet_content", node(ENT_PCKCNT, 4600, version: 0),
            .packetContent(TextPayload(bytes: [0x45, 0x00, 0x00, 0x3C, 0xFF], originalLength: 60)))
        add("argv", node(ENT_ARG, 4303, version: 0), .arg(TextPayload(bytes: Array("say \"hi\" now".utf8))))
        add("envp", node(ENT_ENV, 4304, version: 0), .arg(TextPayload(bytes: Array("HOME=/root".utf8))))
        add("disc", node(ENT_DISC, 4700, version: 0),
            .disc(DiscInfo(parent: taskID, content: Array("\"note\":\"x\"".utf8))))
        var m = MachineInfo()
        m.camMajor = 0; m.camMinor = 1; m.camPatch = 0
        m.sysname = Array("Linux".utf8); m.nodename = Array("host1".utf8)
        m.release = Array("6.1.0-camflow".utf8); m.version = Array("#1 SMP".utf8)
        m.machine = Array("x86_64".utf8); m.domainname = Array("(none)".utf8)
        add("machine", node(AGT_MACHINE, 5381), .machine(m))
        return list
    }

    /// The sample named `name`.
    public static func named(_ name: String) -> Record? {
        all.first { $0.name == name }?.record
    }
}
