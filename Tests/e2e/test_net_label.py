"""In-band provenance labels (issue 8 §2): an IPv4 option joins two hosts' graphs.

packaging/vm/run --script net_label_send.sh --peer-script net_label_recv.sh
--pcap FILE boots 10.0.9.1 (sender) and 10.0.9.2 (receiver) and records every
frame on their link (qemu filter-dump).  Both workloads write 1 to
/sys/kernel/security/provenance/label when the LSM is there.  Three boots per
kernel:
  - labelled: both with the LSM, whole-system capture.  The option on the
    wire names (machine id, boot id, packet identity) exactly the packet node
    the sender recorded with send_packet, and the receiver's receive_packet
    comes from that same node, whose element in both logs names the sender's
    machine and boot (cf:sender_machine_id, cf:sender_boot_id); the union of the logs connects the sent file
    to the received file; the transfers are intact (also 512 KiB whose
    full-size segments are skipped, not broken); the counters agree.
  - wire_lsm: the sender with the LSM, capture on but all=0, labels on; the
    receiver booted with lsm=capability.  netops' traffic (untracked) carries
    no option; the tracked nc's packets carry it and the receiver without
    the LSM still talks TCP with the labelling sender.
  - wire_base: both with lsm=capability, the same workload.  netops' frames
    of wire_lsm and wire_base are compared: every packet that carries data
    or opens/closes a connection must have the same addresses, protocol,
    IP header length (no options), IP total length, DF bit, TCP flags, TCP
    header length, TCP option kinds and payload bytes; pure ACKs (their
    number depends on delayed-ACK timing) must have the same lengths.  IP
    id, checksums, TCP sequence/ack numbers, timestamps, window and the
    ephemeral client port legitimately differ per boot and are masked, and
    packets are compared as sets: a retransmission (a FIN resent under load)
    and the SACK that answers it depend on timing, not on the LSM.  Every
    frame of both boots must still have a bare 20-byte IP header.
"""
import base64
import json
import struct
from pathlib import Path

import pytest

import provgraph

TOP = Path(__file__).resolve().parents[2]
WORKLOADS = Path(__file__).resolve().parent / "workloads"
BASELINE = "lsm=capability"
SENDER, RECEIVER = "10.0.9.1", "10.0.9.2"
MACHINE = {SENDER: 0x0A000901, RECEIVER: 0x0A000902}
ENT_PACKET = 0x2000000000020000
LABEL_OPTION, LABEL_LEN = 0x9E, 36
NETOPS_PORTS = {7601, 7602}
APP_PORT, APP_OPTIONS = 7701, bytes([1, 1, 1, 0])  # labelops' own IP options


@pytest.fixture(scope="module")
def netops(compile_static) -> Path:
    progs = TOP / "Tests" / "e2e" / "progs"
    return compile_static(progs / "netops.c"), compile_static(progs / "labelops.c")


class Pair:
    def __init__(self, result, pcap: Path):
        self.result = result
        self.out = result.out
        self.frames = list(read_pcap(pcap))


def pair(run_vm, netops, tmp_path_factory, *extra) -> Pair:
    pcap = tmp_path_factory.mktemp("pcap") / "link.pcap"
    result = run_vm("net_label_send.sh", "--peer-script", str(WORKLOADS / "net_label_recv.sh"),
                    "--bin", str(netops[0]), "--bin", str(netops[1]), "--pcap", str(pcap), *extra,
                    timeout=600)
    assert result.returncode == 0, result.explain() + "\n--- peer console (tail)\n" + \
        result.text("peer/console.log")[-3000:]
    for proto in ("tcp", "udp"):
        sent, got = result.text(f"{proto}.in"), result.text(f"peer/{proto}.out")
        assert sent and sent == got, f"{proto}: sent {sent!r}, received {got!r}"
    sent, got = result.text("tracked.md5"), result.text("peer/tracked.md5")
    assert sent and sent == got, f"the 512 KiB TCP transfer differs: {sent!r} {got!r}"
    sent, got = result.text("opts.in"), result.text("peer/opts.out")
    assert sent and sent == got, f"with IP_OPTIONS: sent {sent!r}, received {got!r}"
    assert result.text("ipopts.txt") == APP_OPTIONS.hex() + "\n", "getsockopt(IP_OPTIONS)"
    assert pcap.stat().st_size > 24, "no frame captured"
    return Pair(result, pcap)


@pytest.fixture(scope="module")
def labelled(run_vm, netops, tmp_path_factory):
    return pair(run_vm, netops, tmp_path_factory)


@pytest.fixture(scope="module")
def wire_lsm(run_vm, netops, tmp_path_factory):
    return pair(run_vm, netops, tmp_path_factory,
                "--camflow-ini", str(TOP / "Tests" / "e2e" / "configs" / "selective.ini"),
                "--peer-append", BASELINE)


@pytest.fixture(scope="module")
def wire_base(run_vm, netops, tmp_path_factory):
    return pair(run_vm, netops, tmp_path_factory, "--append", BASELINE)


# --- the capture -------------------------------------------------------------

class Packet:
    """One IPv4 frame of the capture, parsed."""

    def __init__(self, ip: bytes):
        self.ip = ip
        self.ihl = (ip[0] & 0x0F) * 4
        self.tot_len, = struct.unpack("!H", ip[2:4])
        self.df = bool(ip[6] & 0x40)
        self.proto = ip[9]
        self.src = ".".join(str(b) for b in ip[12:16])
        self.dst = ".".join(str(b) for b in ip[16:20])
        self.options = ip[20:self.ihl]
        l4 = ip[self.ihl:self.tot_len]
        self.sport = self.dport = 0
        self.flags = self.thl = 0
        self.tcp_options = b""
        self.payload = b""
        if self.proto == 6 and len(l4) >= 20:
            self.sport, self.dport = struct.unpack("!HH", l4[:4])
            self.thl = (l4[12] >> 4) * 4
            self.flags = l4[13]
            self.tcp_options = l4[20:self.thl]
            self.payload = l4[self.thl:]
        elif self.proto == 17 and len(l4) >= 8:
            self.sport, self.dport = struct.unpack("!HH", l4[:4])
            self.payload = l4[8:]

    def label(self):
        """(machine id, boot id, 24 identity bytes) of our option, or None."""
        i = 0
        while i < len(self.options):
            kind = self.options[i]
            if kind == 0:
                return None
            if kind == 1:
                i += 1
                continue
            length = self.options[i + 1]
            if kind == LABEL_OPTION and length == LABEL_LEN:
                body = self.options[i:i + length]
                assert body[2] == 1 and body[3] == 0, f"label format {body[2:4].hex()}"
                machine, boot = struct.unpack("!II", body[4:12])
                return machine, boot, body[12:36]
            i += max(length, 2)
        return None

    def tcp_option_kinds(self):
        kinds, i = [], 0
        while i < len(self.tcp_options):
            kind = self.tcp_options[i]
            kinds.append(kind)
            if kind in (0, 1):
                i += 1
                continue
            i += max(self.tcp_options[i + 1], 2)
        return tuple(kinds)


def read_pcap(path: Path):
    data = path.read_bytes()
    magic, = struct.unpack("<I", data[:4])
    assert magic == 0xA1B2C3D4, f"{path}: not a little-endian pcap"
    link, = struct.unpack("<I", data[20:24])
    assert link == 1, f"{path}: link type {link}, expected Ethernet"
    off = 24
    while off + 16 <= len(data):
        _, _, caplen, _ = struct.unpack("<IIII", data[off:off + 16])
        frame = data[off + 16:off + 16 + caplen]
        off += 16 + caplen
        if len(frame) >= 34 and frame[12:14] == b"\x08\x00" and frame[14] >> 4 == 4:
            yield Packet(frame[14:])


def node_id(identity: bytes) -> str:
    return "cf:" + base64.b64encode(struct.pack("<Q", ENT_PACKET) + identity).decode()


def stats(result, peer=False) -> dict:
    text = result.text(("peer/" if peer else "") + "label_stats.txt")
    assert text, "no label_stats"
    return {k: int(v) for k, v in (line.split() for line in text.splitlines())}


def netops_frames(p: Pair):
    """netops' UDP datagram and the TCP connection that carried its file
    (connections refused while the receiver was not yet listening vary
    with timing and are left out)."""
    clients = {f.sport for f in p.frames
               if f.proto == 6 and f.dport == 7601 and f.src == SENDER and f.payload}
    assert len(clients) == 1, f"netops' TCP connection: client ports {clients}"
    client = clients.pop()
    return [f for f in p.frames
            if (f.proto == 17 and 7602 in (f.sport, f.dport)) or
            (f.proto == 6 and {f.sport, f.dport} == {client, 7601})]


def tracked_frames(p: Pair):
    return [f for f in p.frames if 7700 in (f.sport, f.dport)]


# --- a) both with the LSM, labels on ----------------------------------------------

def test_labels_on_the_wire_name_each_host(labelled):
    for host, peer in ((SENDER, False), (RECEIVER, True)):
        boot = int(labelled.result.text(("peer/" if peer else "") + "boot_id.txt").strip())
        labels = [f.label() for f in labelled.frames if f.src == host and f.label()]
        assert labels, f"no labelled packet from {host}"
        assert {(m, b) for m, b, _ in labels} == {(MACHINE[host], boot)}, host
    for f in labelled.frames:
        if APP_PORT in (f.sport, f.dport):
            continue
        assert f.ihl == 20 or f.label(), f"options other than a label: {f.options.hex()}"
        assert f.ihl in (20, 20 + LABEL_LEN)


def test_application_ip_options_keep_working(labelled):
    """labelops' IP_OPTIONS: its socket's packets carry exactly its options
    and no label (skipped and counted); getsockopt returned them (checked in
    pair()).  The last ACK comes from the timewait socket, which sends no
    socket options, with or without the LSM."""
    app = [f for f in labelled.frames if f.src == SENDER and f.dport == APP_PORT]
    assert not any(f.label() for f in app)
    own = [f for f in app if not pure_ack(f) or f is not app[-1]]
    assert own and all(f.options == APP_OPTIONS for f in own)
    assert stats(labelled.result)["skipped_options"] > 0


@pytest.mark.parametrize("proto,port", [("tcp", 7601), ("udp", 7602)])
def test_receiver_links_from_the_senders_packet_node(labelled, proto, port):
    sender = provgraph.Graph.load(labelled.out / "audit.log")
    receiver = provgraph.Graph.load(labelled.out / "peer" / "audit.log")
    data = [f for f in labelled.frames if f.src == SENDER and f.dport == port and f.payload]
    assert data, f"no {proto} data packet to {port}"
    joined = 0
    for f in data:
        label = f.label()
        assert label, f"{proto} data packet without a label"
        packet = node_id(label[2])
        sent = [r for r in sender.incoming[packet] if r.type == "send_packet"]
        got = [r for r in receiver.outgoing[packet] if r.type == "receive_packet"]
        assert sent, f"the sender did not record {packet} with send_packet"
        # both logs print the sender's ids the packet node carries (name_id)
        for host, graph in ((SENDER, sender), (RECEIVER, receiver)):
            if packet in graph.nodes:
                node = graph.nodes[packet]
                assert node.get("cf:sender_machine_id") == f"cf:{MACHINE[SENDER]}", (host, node)
                assert node.get("cf:sender_boot_id") == label[1], (host, node)
        assert all(sender.nodes[r.sender].get("prov:type") == "socket" and
                   sender.nodes[r.sender].get("cf:machine_id") == f"cf:{MACHINE[SENDER]}" for r in sent)
        if got:
            node = receiver.nodes[packet]
            assert node.get("cf:sender", "").startswith(f"{SENDER}:")
            assert node.get("cf:receiver") == f"{RECEIVER}:{port}"
            assert all(receiver.nodes[r.receiver].get("cf:machine_id") == f"cf:{MACHINE[RECEIVER]}"
                       for r in got)
            joined += 1
    assert joined, f"no {proto} receive_packet from a labelled packet node"


@pytest.mark.parametrize("proto", ["tcp", "udp"])
def test_union_connects_sender_file_to_receiver_file(labelled, proto):
    graph = provgraph.Graph()
    for log in (labelled.out / "audit.log", labelled.out / "peer" / "audit.log"):
        with open(log, "rb") as handle:
            for line in handle:
                if line.strip():
                    graph.add_document(json.loads(line))
    outputs = graph.named(f"/tmp/pair/{proto}.out")
    inputs = graph.named(f"/tmp/pair/{proto}.in")
    assert outputs and inputs
    assert inputs & graph.ancestors(outputs), f"{proto}: the received file does not derive from the sent one"


def test_counters(labelled):
    s, r = stats(labelled.result), stats(labelled.result, peer=True)
    assert s["sent"] > 0 and r["sent"] > 0
    assert s["skipped_mtu"] > 0, "the 512 KiB transfer's full-size segments were not counted"
    assert r["stripped"] > 0 and r["linked"] > 0
    assert s["stripped"] > 0, "the receiver's labelled replies were not stripped"
    assert labelled.result.text("label.value") == "1\n"
    for d in (labelled.out, labelled.out / "peer"):
        assert "provenance: label hook registered" in (d / "dmesg.txt").read_text(errors="replace")


# --- c) a labelling sender, a receiver without the LSM ------------------------------

def test_receiver_without_lsm_talks_to_labelling_sender(wire_lsm):
    labelled = [f for f in tracked_frames(wire_lsm) if f.src == SENDER and f.label()]
    assert labelled, "the tracked nc's packets carry no label"
    assert all(f.label()[0] == MACHINE[SENDER] for f in labelled)
    assert not any(f.label() for f in netops_frames(wire_lsm)), "untracked packets labelled"
    assert not any(f.label() for f in wire_lsm.frames if f.src == RECEIVER)
    assert stats(wire_lsm.result)["sent"] > 0
    assert not (wire_lsm.out / "peer" / "label_stats.txt").exists()


# --- b) untracked traffic is the same on the wire with and without the LSM ---------

def signature(f: Packet):
    fixed = lambda port: port if port in NETOPS_PORTS else "ephemeral"  # noqa: E731
    return (f.src, f.dst, f.proto, fixed(f.sport), fixed(f.dport), f.ihl, f.tot_len, f.df,
            f.flags, f.thl, f.tcp_option_kinds(), f.payload)


def pure_ack(f: Packet) -> bool:
    return f.proto == 6 and not f.payload and f.flags & 0x17 == 0x10


def sack(f: Packet) -> bool:
    """An ACK with SACK blocks: the answer to a retransmission."""
    return 5 in f.tcp_option_kinds()


def test_untracked_traffic_identical_on_the_wire(wire_lsm, wire_base):
    with_lsm, without = netops_frames(wire_lsm), netops_frames(wire_base)
    assert with_lsm and without
    assert all(f.ihl == 20 for f in with_lsm + without)
    a = {signature(f) for f in with_lsm if not pure_ack(f)}
    b = {signature(f) for f in without if not pure_ack(f)}
    assert a == b
    assert {signature(f) for f in with_lsm if pure_ack(f) and not sack(f)} == \
        {signature(f) for f in without if pure_ack(f) and not sack(f)}
    assert not any(f.label() for f in wire_base.frames)
