"""Two guests on a qemu socket network (issue 8 §3): packets join two logs.

packaging/vm/run --script net_pair_send.sh --peer-script net_pair_recv.sh
boots 10.0.9.1 (sender) and 10.0.9.2 (receiver).  Three boots per kernel:
  - both with the LSM, whole-system capture: the union of the two logs is
    one connected graph from the file the sender read to the file the
    receiver wrote, for TCP and UDP over IPv4 and for TCP over IPv6
    (fd00:9::1 to fd00:9::2), through packet nodes whose identity (header
    fields and digest) is the same in both logs;
  - the sender booted with lsm=capability: the receiver still records
    packet nodes from the headers (sender 10.0.9.1) linked to its socket;
  - both with lsm=capability: TCP and UDP work, nothing is recorded and no
    netfilter hook is registered.
"""
import ipaddress
from pathlib import Path

import pytest

import provgraph

TOP = Path(__file__).resolve().parents[2]
BASELINE = "lsm=capability"
PROTOCOLS = ("tcp", "udp", "tcp6")


def fold6(address: str) -> str:
    """An IPv6 address as a packet node shows it: the XOR of its four
    32-bit words, written as an IPv4 address (docs/abi.md)."""
    words = ipaddress.IPv6Address(address).packed
    value = 0
    for i in range(0, 16, 4):
        value ^= int.from_bytes(words[i:i + 4], "big")
    return str(ipaddress.IPv4Address(value))


# Where the packets of each exchange go: sender and receiver address prefixes.
ENDS = {"tcp": ("10.0.9.1:", "10.0.9.2:"), "udp": ("10.0.9.1:", "10.0.9.2:"),
        "tcp6": (fold6("fd00:9::1") + ":", fold6("fd00:9::2") + ":")}


@pytest.fixture(scope="module")
def netops(compile_static) -> Path:
    return compile_static(TOP / "Tests" / "e2e" / "progs" / "netops.c")


def pair(run_vm, netops, *extra):
    workloads = Path(__file__).resolve().parent / "workloads"
    result = run_vm("net_pair_send.sh", "--peer-script", str(workloads / "net_pair_recv.sh"),
                    "--bin", str(netops), *extra, timeout=600)
    assert result.returncode == 0, result.explain() + "\n--- peer console (tail)\n" + \
        result.text("peer/console.log")[-3000:]
    for proto in PROTOCOLS:
        sent, got = result.text(f"{proto}.in"), result.text(f"peer/{proto}.out")
        assert sent and sent == got, f"{proto}: sent {sent!r}, received {got!r}"
    return result


@pytest.fixture(scope="module")
def both(run_vm, netops):
    return pair(run_vm, netops)


@pytest.fixture(scope="module")
def sender_without_lsm(run_vm, netops):
    return pair(run_vm, netops, "--append", BASELINE, "--peer-append", "")


@pytest.fixture(scope="module")
def neither(run_vm, netops):
    return pair(run_vm, netops, "--append", BASELINE)


def union(*logs) -> provgraph.Graph:
    graph = provgraph.Graph()
    for log in logs:
        with open(log, "rb") as handle:
            for line in handle:
                if line.strip():
                    graph.add_document(__import__("json").loads(line))
    return graph


def machines(graph, nodes):
    return {graph.nodes[n].get("cf:machine_id") for n in nodes
            if graph.nodes.get(n, {}).get("cf:machine_id") is not None}


@pytest.mark.parametrize("proto", PROTOCOLS)
def test_union_connects_sender_file_to_receiver_file(both, proto):
    graph = union(both.out / "audit.log", both.out / "peer" / "audit.log")
    outputs = graph.named(f"/tmp/pair/{proto}.out")
    inputs = graph.named(f"/tmp/pair/{proto}.in")
    assert outputs and inputs
    ancestors = graph.ancestors(outputs)
    assert inputs & ancestors, f"{proto}: the received file does not derive from the sent file"
    packets = [n for n in ancestors if graph.nodes[n].get("prov:type") == "packet"]
    sender, receiver = ENDS[proto]
    assert any(graph.nodes[p].get("cf:sender", "").startswith(sender) and
               graph.nodes[p].get("cf:receiver", "").startswith(receiver) for p in packets), \
        f"{proto}: no packet from {sender} to {receiver} on the path"
    assert len(machines(graph, ancestors)) == 2, "the path does not cross both machines"


def test_each_log_alone_stops_at_the_packet(both):
    receiver = provgraph.Graph.load(both.out / "peer" / "audit.log")
    assert not receiver.named("/tmp/pair/tcp.in")
    kinds = {receiver.nodes[n].get("prov:type")
             for n in receiver.ancestors(receiver.named("/tmp/pair/tcp.out"))}
    assert "packet" in kinds


def test_receiver_records_packets_of_a_sender_without_lsm(sender_without_lsm):
    assert not (sender_without_lsm.out / "audit.log").exists()
    graph = provgraph.Graph.load(sender_without_lsm.out / "peer" / "audit.log")
    for proto in PROTOCOLS:
        ancestors = graph.ancestors(graph.named(f"/tmp/pair/{proto}.out"))
        packets = [graph.nodes[n] for n in ancestors if graph.nodes[n].get("prov:type") == "packet"]
        assert any(p.get("cf:sender", "").startswith(ENDS[proto][0]) for p in packets), proto
        received = [r for r in graph.relations if r.type == "receive_packet"]
        assert received


def test_without_lsm_nothing_is_recorded(neither):
    for out in (neither.out, neither.out / "peer"):
        assert not (out / "audit.log").exists()
        dmesg = (out / "dmesg.txt").read_text(errors="replace")
        assert "provenance: netfilter hooks registered" not in dmesg
        assert "provenance: initialized" not in dmesg
