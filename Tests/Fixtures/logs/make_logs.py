#!/usr/bin/env python3
"""Writes the hand-made logs of Tests/Fixtures/logs (run from that directory).

The logs follow the layouts `camflow record` writes (docs/output-formats.md):
W3C PROV-JSON documents, one per line, and SPADE JSON objects, one per line.
Identifiers are built from their fields exactly as the kernel lays them out.

pipeline.w3c.log   tr a-z A-Z < /tmp/input.txt | sed > /tmp/output.txt on one
                   machine, plus an unrelated cp of /etc/hosts; 3 documents.
machine-a.w3c.log  machine 101: a task reads /data/secret.txt and sends it to
                   machine 202 in a packet (W3C).
machine-b.spade.log machine 202: the packet is received and written to
                   /srv/copy.txt (SPADE JSON).
invalid.w3c.log    valid and invalid lines mixed (see the comments below).
"""
import base64
import json
import socket
import struct

NODE = {
    "task": 0x4000000000000001, "machine": 0x1400000000000010,
    "file": 0x2000000000000100, "directory": 0x2000000000000200,
    "pipe": 0x2000000000001000, "socket": 0x2000000000002000,
    "packet": 0x2000000000020000, "process_memory": 0x2000000000080000,
    "path": 0x2400000000400000, "argv": 0x2400000002000000,
    "envp": 0x2400000004000000, "iattr": 0x2000000000040000,
}
REL = {
    "named": 0x8080000000000001, "version_entity": 0x8080000000000002,
    "send_packet": 0x8080000000000004, "receive_packet": 0x8080000000000010,
    "arg": 0x8080000000004000, "env": 0x8080000000008000,
    "write": 0x8040000000000020, "memory_write": 0x8040000000000080,
    "send": 0x8040000000001000,
    "read": 0x8020000000000001, "memory_read": 0x8020000000000004,
    "receive": 0x8020000000000010, "search": 0x8020000000000400,
    "clone": 0x8010000000000001, "version_activity": 0x8010000000000002,
    "ran_on": 0x8004000000000001,
}
SECTION = {0x8080: "wasDerivedFrom", 0x8040: "wasGeneratedBy", 0x8020: "used",
           0x8010: "wasInformedBy", 0x8004: "wasAssociatedWith", 0x8008: "wasInfluencedBy"}
ROLES = {
    "used": ("prov:entity", "prov:activity"),
    "wasGeneratedBy": ("prov:activity", "prov:entity"),
    "wasInformedBy": ("prov:informant", "prov:informed"),
    "wasInfluencedBy": ("prov:influencer", "prov:influencee"),
    "wasAssociatedWith": ("prov:agent", "prov:activity"),
    "wasDerivedFrom": ("prov:usedEntity", "prov:generatedEntity"),
}
EDGE_TYPE = {s: s[0].upper() + s[1:] for s in ROLES}
TYPE_NAME = {v: k for k, v in NODE.items()}


def b64(raw):
    return base64.b64encode(raw).decode()


class Node:
    def __init__(self, kind, oid, boot, machine, version=0, **attrs):
        self.kind, self.oid, self.boot, self.machine, self.version = kind, oid, boot, machine, version
        self.attrs = attrs
        self.id = b64(struct.pack("<QQIII4x", NODE[kind], oid, boot, machine, version))

    def v(self, version, **attrs):
        merged = dict(self.attrs)
        merged.update(attrs)
        return Node(self.kind, self.oid, self.boot, self.machine, version, **merged)


class Packet:
    kind = "packet"

    def __init__(self, pid, snd, rcv, sport, rport, seq, **attrs):
        self.attrs = attrs
        raw = struct.pack("<Q", NODE["packet"]) + struct.pack(">H2x", pid)
        raw += socket.inet_aton(snd) + socket.inet_aton(rcv)
        raw += struct.pack(">HH", sport, rport) + struct.pack("<B3x", 6) + struct.pack("<I", seq)
        self.id = b64(raw)
        self.pid, self.snd, self.rcv, self.sport, self.rport, self.seq = pid, snd, rcv, sport, rport, seq


class Relation:
    def __init__(self, kind, rid, boot, machine, sender, receiver, jiffies, date):
        self.kind, self.rid, self.boot, self.machine = kind, rid, boot, machine
        self.sender, self.receiver, self.jiffies, self.date = sender, receiver, jiffies, date
        self.id = b64(struct.pack("<QQII8x", REL[kind], rid, boot, machine))
        self.section = SECTION[REL[kind] >> 48]


def node_w3c(n, jiffies, date, epoch=1):
    if n.kind == "packet":
        body = {"cf:id": n.pid, "cf:seq": n.seq, "cf:sender": f"{n.snd}:{n.sport}",
                "cf:receiver": f"{n.rcv}:{n.rport}", "prov:type": "packet", "cf:taint": "0",
                "cf:jiffies": str(jiffies), "cf:len": 60,
                "prov:label": f"[packet] {n.snd}:{n.sport}->{n.rcv}:{n.rport} ({n.pid})"}
        return "entity", body
    body = {"cf:id": str(n.oid), "prov:type": n.kind, "cf:boot_id": n.boot,
            "cf:machine_id": f"cf:{n.machine}", "cf:version": n.version, "cf:date": date,
            "cf:taint": "0", "cf:jiffies": str(jiffies), "cf:epoch": epoch}
    label = None
    a = n.attrs
    if n.kind == "task":
        if "name" in a:
            body["cf:name"] = a["name"]
        body.update({"cf:pid": a["pid"], "cf:vpid": a["pid"], "cf:utime": "0", "cf:stime": "0"})
        label = f"[task] {n.version}"
    elif n.kind == "process_memory":
        if "name" in a:
            body["cf:name"] = a["name"]
        body.update({"cf:uid": 0, "cf:gid": 0, "cf:tgid": a["pid"], "cf:secctx": "0"})
        label = f"[process] {n.version}"
    elif n.kind in ("file", "directory", "pipe", "socket"):
        if "name" in a:
            body["cf:name"] = a["name"]
        body.update({"cf:uid": 0, "cf:gid": 0, "cf:mode": a.get("mode", "0x81a4"), "cf:secctx": "0",
                     "cf:ino": a.get("ino", n.oid), "cf:uuid": "10171e25-2c33-3a41-484f-565d646b7279"})
        label = f"[{n.kind}] {n.version}"
    elif n.kind == "path":
        body["cf:pathname"] = a["path"]
        label = f"[path] {a['path']}"
    elif n.kind in ("argv", "envp"):
        body.update({"cf:value": a["value"], "cf:truncated": "false"})
        label = f"[{n.kind}] {a['value']}"
    elif n.kind == "machine":
        body.update({"cf:u_sysname": "Linux", "cf:u_nodename": a["host"], "cf:u_release": "6.1.0",
                     "cf:u_version": "#1 SMP", "cf:u_machine": "x86_64", "cf:u_domainname": "(none)",
                     "cf:k_version": "0.1.0", "cf:l_version": "v0.1.0"})
    if label is not None:
        body["prov:label"] = label
    section = {"task": "activity", "machine": "agent"}.get(n.kind, "entity")
    return section, body


def relation_w3c(r, epoch=1):
    snd, rcv = ROLES[r.section]
    body = {"cf:id": str(r.rid), "prov:type": r.kind, "cf:boot_id": r.boot,
            "cf:machine_id": f"cf:{r.machine}", "cf:date": r.date, "cf:jiffies": str(r.jiffies),
            "cf:epoch": epoch, "prov:label": r.kind, "cf:allowed": "true",
            snd: "cf:" + r.sender.id, rcv: "cf:" + r.receiver.id}
    if r.kind in ("read", "write"):
        body["cf:offset"] = "0"
    body.update({"cf:flags": "0", "cf:task_id": "0"})
    return r.section, body


def document(elements):
    doc = {"prefix": {"prov": "http://www.w3.org/ns/prov", "cf": "http://www.camflow.org"}}
    order = ["activity", "agent", "entity", "used", "wasGeneratedBy", "wasInformedBy",
             "wasAssociatedWith", "wasInfluencedBy", "wasDerivedFrom"]
    sections = {}
    for section, key, body in elements:
        sections.setdefault(section, {})[key] = body
    text = '{"prefix":{"prov" : "http://www.w3.org/ns/prov", "cf":"http://www.camflow.org"}'
    for name in order:
        if name in sections:
            text += ', "%s":%s' % (name, json.dumps(sections[name], separators=(",", ":")))
    return text + "}"


class Log:
    def __init__(self, machine, boot, date):
        self.machine, self.boot, self.date = machine, boot, date
        self.jiffies = 4295000000
        self.rid = 1000
        self.docs = [[]]

    def tick(self):
        self.jiffies += 3
        return self.jiffies

    def node(self, n):
        section, body = node_w3c(n, self.tick(), self.date)
        self.docs[-1].append((section, "cf:" + n.id, body))

    def rel(self, kind, sender, receiver):
        self.rid += 1
        r = Relation(kind, self.rid, self.boot, self.machine, sender, receiver, self.tick(), self.date)
        section, body = relation_w3c(r)
        self.docs[-1].append((section, "cf:" + r.id, body))
        return r

    def new_document(self, date=None):
        self.docs.append([])
        if date:
            self.date = date

    def w3c(self):
        return "\n".join(document(d) for d in self.docs if d) + "\n"

    def spade(self):
        lines = []
        for d in self.docs:
            for section, key, body in d:
                lines.append(spade_line(section, key[3:], body))
        return "\n".join(lines) + "\n"


def spade_line(section, ident, body):
    if section in ROLES:
        snd, rcv = ROLES[section]
        ann = {"id": ident, "relation_id": body["cf:id"], "relation_type": body["prov:type"],
               "boot_id": body["cf:boot_id"], "cf:machine_id": body["cf:machine_id"],
               "cf:date": body["cf:date"], "epoch": body["cf:epoch"], "jiffies": body["cf:jiffies"],
               "allowed": body["cf:allowed"]}
        if "cf:offset" in body:
            ann["offset"] = body["cf:offset"]
        ann.update({"flags": body["cf:flags"], "task_id": body["cf:task_id"],
                    "from_type": type_of(body[rcv]), "to_type": type_of(body[snd])})
        head = {"type": EDGE_TYPE[section], "from": body[rcv][3:], "to": body[snd][3:]}
    elif body["prov:type"] == "packet":
        ann = {"object_type": "packet", "cf:date": "2026:11:30T10:00:05", "packet_id": body["cf:id"],
               "seq": body["cf:seq"], "sender": body["cf:sender"], "receiver": body["cf:receiver"],
               "jiffies": body["cf:jiffies"], "ih_len": body["cf:len"]}
        head = {"type": "Entity", "id": ident}
    else:
        ann = {"object_id": body["cf:id"], "object_type": body["prov:type"], "boot_id": body["cf:boot_id"],
               "cf:machine_id": body["cf:machine_id"], "version": body["cf:version"],
               "cf:date": body["cf:date"]}
        if "cf:name" in body:
            ann["cf:name"] = body["cf:name"]
        ann.update({"cf:taint": body["cf:taint"], "cf:jiffies": body["cf:jiffies"], "cf:epoch": body["cf:epoch"]})
        for k, v in body.items():
            if k.startswith("cf:") and k[3:] not in ("id", "boot_id", "machine_id", "version", "date",
                                                       "name", "taint", "jiffies", "epoch"):
                ann[k[3:]] = v
        head = {"type": {"activity": "Activity", "agent": "Agent"}.get(section, "Entity"), "id": ident}
    text = json.dumps(head, separators=(",", ":"))[:-1]
    return text + ',"annotations": ' + json.dumps(ann, separators=(",", ":")) + "}"


def type_of(ref):
    raw = base64.b64decode(ref[3:])
    return TYPE_NAME[struct.unpack("<Q", raw[:8])[0]]


def pipeline():
    m, b = 2887429013, 3
    log = Log(m, b, "2026:11:30T09:59:58")
    host = Node("machine", 5381, b, m, 1, host="vm1")
    p_in = Node("path", 100, b, m, path="/tmp/input.txt")
    p_out = Node("path", 101, b, m, path="/tmp/output.txt")
    p_tmp = Node("path", 102, b, m, path="/tmp")
    tmp = Node("directory", 9, b, m, 1, name="/tmp", mode="0x41ff")
    f_in = Node("file", 10, b, m, 1)
    f_out0 = Node("file", 40, b, m, 0)
    f_out1, f_out2 = f_out0.v(1), f_out0.v(2, name="/tmp/output.txt")
    pipe0 = Node("pipe", 30, b, m, 0, mode="0x11b6")
    pipe1 = pipe0.v(1)
    tr0 = Node("task", 20, b, m, 0, pid=41)
    tr1, tr2 = tr0.v(1, name="/bin/tr"), tr0.v(2, name="/bin/tr")
    trm0 = Node("process_memory", 21, b, m, 0, pid=41)
    trm1 = trm0.v(1, name="/bin/tr")
    sed0 = Node("task", 22, b, m, 0, pid=42)
    sed1 = sed0.v(1, name="/bin/sed")
    sedm0 = Node("process_memory", 23, b, m, 0, pid=42)
    sedm1 = sedm0.v(1, name="/bin/sed")
    args_tr = [Node("argv", 200 + i, b, m, value=v) for i, v in enumerate(["tr", "a-z", "A-Z"])]
    env_tr = Node("envp", 210, b, m, value="HOME=/")
    args_sed = [Node("argv", 220 + i, b, m, value=v) for i, v in enumerate(["sed", "s/$/!/"])]
    # unrelated: cp /etc/hosts /tmp/hosts.copy
    cp0 = Node("task", 60, b, m, 0, pid=50)
    cp1 = cp0.v(1, name="/bin/cp")
    hosts = Node("file", 61, b, m, 1, name="/etc/hosts")
    copy1 = Node("file", 62, b, m, 1, name="/tmp/hosts.copy")

    # document 1: the machine, the input file, tr
    for n in [host, p_in, f_in, p_tmp, tmp, tr0, tr1, trm0, trm1, *args_tr, env_tr]:
        log.node(n)
    log.rel("named", p_in, f_in)
    log.rel("named", p_tmp, tmp)
    log.rel("ran_on", host, tr0)
    log.rel("version_activity", tr0, tr1)
    log.rel("version_entity", trm0, trm1)
    for a in args_tr:
        log.rel("arg", a, trm1)
    log.rel("env", env_tr, trm1)
    log.rel("memory_read", trm1, tr1)
    log.rel("search", tmp, tr1)
    log.rel("read", f_in, tr1)
    # document 2: relations before some of their nodes (they arrive later)
    log.new_document("2026:11:30T09:59:59")
    log.rel("version_activity", tr1, tr2)
    log.rel("write", tr2, pipe1)
    log.rel("version_entity", pipe0, pipe1)
    log.rel("read", pipe1, sed1)
    log.rel("version_activity", sed0, sed1)
    log.rel("memory_read", sedm1, sed1)
    log.rel("version_entity", sedm0, sedm1)
    for a in args_sed:
        log.rel("arg", a, sedm1)
    log.rel("write", sed1, f_out1)
    log.rel("version_entity", f_out0, f_out1)
    for n in [tr2, pipe0, pipe1, sed0, sed1, sedm0, sedm1, *args_sed, p_out, f_out0, f_out1]:
        log.node(n)
    log.rel("named", p_out, f_out0)
    # document 3: a second write by sed (version 2 of output.txt), and cp
    log.new_document("2026:11:30T10:00:01")
    log.node(f_out2)
    log.rel("version_entity", f_out1, f_out2)
    log.rel("write", sed1, f_out2)
    for n in [cp0, cp1, hosts, copy1]:
        log.node(n)
    log.rel("version_activity", cp0, cp1)
    log.rel("read", hosts, cp1)
    log.rel("write", cp1, copy1)
    return log


def two_machines():
    a = Log(101, 1, "2026:11:30T10:00:04")
    secret = Node("file", 10, 1, 101, 1, name="/data/secret.txt")
    sender = Node("task", 20, 1, 101, 1, name="/bin/nc", pid=300)
    sock_a = Node("socket", 30, 1, 101, 1, mode="0xc1ff")
    pkt = Packet(513, "10.0.0.1", "10.0.0.2", 51000, 9000, 123456)
    for n in [secret, sender, sock_a, pkt]:
        a.node(n)
    a.rel("read", secret, sender)
    a.rel("send", sender, sock_a)
    a.rel("send_packet", sock_a, pkt)

    b = Log(202, 7, "2026:11:30T10:00:05")
    sock_b = Node("socket", 40, 7, 202, 1, mode="0xc1ff")
    receiver = Node("task", 50, 7, 202, 1, name="/bin/nc", pid=400)
    copy = Node("file", 60, 7, 202, 1, name="/srv/copy.txt")
    other = Node("file", 61, 7, 202, 1, name="/srv/unrelated.txt")
    for n in [pkt, sock_b, receiver, copy, other]:
        b.node(n)
    b.rel("receive_packet", pkt, sock_b)
    b.rel("receive", sock_b, receiver)
    b.rel("write", receiver, copy)
    return a, b


def invalid_lines(valid_doc):
    return "\n".join([
        valid_doc,                                              # 1 valid
        '{"prefix":{}, "entity":{}',                             # 2 truncated: no closing brace
        '{"prefix":{}, "used":{"cf:AQAAAAAAIIBjAAAAAAAAAAMAAACVqxqsAAAAAAAAAAA=":'
        '{"cf:id":"99","prov:type":"read","prov:activity":"cf:AQAAAAAAAECSEAAAAAAAAAMAAACVqxqsAgAAAAAAAAA="}}}',
                                                                # 3 relation without prov:entity
        "",                                                     # 4 blank (valid, empty)
        '{"prefix":{}, "entity":{"cf:not-an-identifier":{"cf:id":"1"}}}',  # 5 bad element key
        '{"prefix":{}, "entity":{}} trailing',                  # 6 text after the document
        '{"prefix":{}, "entity":{"cf:AABAAAAAACTNEAAAAAAAAAMAAACVqxqsAAAAAAAAAAA=":{"cf:pathname":"/a\x01b"}}}',
                                                                # 7 control character in a string
        '{"prefix":{}, "activities":{}}',                       # 8 unknown section
    ]) + "\n"


if __name__ == "__main__":
    log = pipeline()
    open("pipeline.w3c.log", "w").write(log.w3c())
    open("pipeline.spade.log", "w").write(log.spade())
    a, b = two_machines()
    open("machine-a.w3c.log", "w").write(a.w3c())
    open("machine-b.spade.log", "w").write(b.spade())
    first = log.w3c().splitlines()[0]
    open("invalid.w3c.log", "w").write(invalid_lines(first))

# vm-demo.w3c.log: excerpt.py over a W3C log recorded in the VM (workloads/demo.sh).
# vm-kinds.spade.log: the first three lines of each vertex and edge type of a
# SPADE log recorded in the VM (format=spade_json), unchanged.
