"""Reads that wait for their data (issue 7): one boot runs progs/readops.c for
a pipe, a FIFO, a UNIX stream socket, a UNIX datagram socket and a TCP
connection on 127.0.0.1, and for a pipe read through Linux AIO (io_submit)
and through io_uring (IORING_OP_READ), which do not go through read(2).  A
reader and a writer that are siblings (neither is the other's ancestor)
share the channel; the writer reads a unique input file
and writes it into the channel, the reader reads the channel exactly once and
writes what it got to an output file.

"real": the reader is blocked in its read when the writer writes (the writer
waits 1 s first); "control": the data is there before the reader reads.  In
both the output must descend from the input (docs/graph-model.md: a read of a
pipe, FIFO, socket or character device is recorded once it returned data).
A kernel that records the read when the call starts fails the "real" cases:
the reader is then linked to the channel's version from before the write.

The writer reads a second file 2 s after its write ("late"): the output must
not descend from it, so the ancestry walk is not trivially true.
"""
from pathlib import Path

import pytest

import opruns
import provgraph

PROGS = Path(__file__).resolve().parent / "progs"
DIR = "/tmp/reads"
CHANNELS = ["pipe", "pipe_aio", "pipe_uring", "fifo", "unix_stream", "unix_dgram", "tcp"]
MODES = ["real", "control"]
CASES = [(c, m) for c in CHANNELS for m in MODES]
READS = {"read", "receive", "receive_msg"}
# the relations one read of the channel records (read(2), except recvfrom
# for the datagram socket): each exactly once; a read(2) of a socket is seen
# by socket_post_recvmsg (receive_msg) and file_post_read (receive), and the
# graph economy (on by default, docs/design.md rule 6) records it once
EXPECTED_READS = {
    "pipe": {"read": 1},
    "pipe_aio": {"read": 1},
    "pipe_uring": {"read": 1},
    "fifo": {"read": 1},
    "unix_stream": {"receive_msg": 1},
    "unix_dgram": {"receive_msg": 1},
    "tcp": {"receive_msg": 1},
}


@pytest.fixture(scope="module")
def run(run_vm, compile_static):
    return opruns.boot(run_vm, "blocking_reads.sh", compile_static(PROGS / "readops.c"), "reads")


@pytest.fixture(scope="module")
def graph(run) -> provgraph.Graph:
    return provgraph.Graph.load(run.out / "audit.log")


def test_every_reader_got_the_data(run):
    opruns.assert_nothing_failed(run, "reads")


def test_kernel_log_is_clean(run):
    opruns.assert_kernel_log_is_clean(run)


def named(graph: provgraph.Graph, kind: str, channel: str, mode: str) -> set:
    nodes = graph.named(f"{DIR}/{kind}-{channel}-{mode}")
    assert nodes, f"no node named {DIR}/{kind}-{channel}-{mode}"
    return nodes


@pytest.mark.parametrize("channel,mode", CASES)
def test_output_descends_from_the_input(graph, channel, mode):
    ancestors = graph.ancestors(named(graph, "out", channel, mode))
    assert ancestors & named(graph, "in", channel, mode), \
        f"{channel} {mode}: the reader's output does not descend from the writer's input"


@pytest.mark.parametrize("channel,mode", CASES)
def test_output_does_not_descend_from_what_the_writer_read_later(graph, channel, mode):
    ancestors = graph.ancestors(named(graph, "out", channel, mode))
    assert not ancestors & named(graph, "late", channel, mode), \
        f"{channel} {mode}: the output descends from a file read after the data was sent"


def reader_tasks(graph: provgraph.Graph, channel: str, mode: str) -> set:
    """Every version of every task of the process that wrote the output
    file: its own, and those of threads sharing its memory (io_uring runs a
    pipe read of Linux 6.1 in a worker thread of the process)."""
    writers = {r.sender for node in named(graph, "out", channel, mode)
               for r in graph.incoming.get(node, []) if r.type == "write"}
    assert writers, f"{channel} {mode}: no write into the output"
    keys = {graph.object_key(w) for w in writers}
    assert len(keys) == 1, f"{channel} {mode}: {len(keys)} tasks wrote the output"
    tasks = graph.versions(next(iter(writers)))

    def memory_of(nodes):
        near = {r.sender for n in nodes for r in graph.incoming.get(n, [])}
        near |= {r.receiver for n in nodes for r in graph.outgoing.get(n, [])}
        return {n for n in near if graph.nodes.get(n, {}).get("prov:type") == "process_memory"}

    memory = set().union(*(graph.versions(m) for m in memory_of(tasks)))
    near = {r.sender for m in memory for r in graph.incoming.get(m, [])}
    near |= {r.receiver for m in memory for r in graph.outgoing.get(m, [])}
    for node in near:
        if graph.nodes.get(node, {}).get("prov:type") == "task":
            tasks |= graph.versions(node)
    return tasks


@pytest.mark.parametrize("channel,mode", CASES)
def test_the_read_is_recorded_once(graph, channel, mode):
    counts = {}
    for task in reader_tasks(graph, channel, mode):
        for r in graph.incoming.get(task, []):
            if r.type in READS and graph.nodes.get(r.sender, {}).get("prov:type") != "file":
                counts[r.type] = counts.get(r.type, 0) + 1
    assert counts == EXPECTED_READS[channel], f"{channel} {mode}: reads recorded {counts}"
