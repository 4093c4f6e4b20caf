"""Kernel loads and the administration hooks (issue 7): one boot runs every
operation of progs/loadops.c as its own process, once for real and once as a
control that does everything but the call, and checks the relations
docs/graph-model.md ("file systems and kernel loads") lists for each:
present in the real run, between the nodes the table says, and missing from
the control run.  Also PTRACE_TRACEME and setpriority on a child, which the
"Processes, signals and IPC" section describes.

Processes are told apart by their command line (the `arg` nodes of their
process memory): `loadops OP real|control`.
"""
import re
from collections import defaultdict
from pathlib import Path

import pytest

import provgraph

TOP = Path(__file__).resolve().parents[2]
DOC = TOP / "docs" / "graph-model.md"
PROGS = Path(__file__).resolve().parent / "progs"
TABLE_OPS = ["finit", "init", "kexec", "firmware", "pivot", "bpf"]
PROCESS_OPS = {"traceme": "ptrace_traceme", "setprio": "setscheduler"}
OPS = TABLE_OPS + list(PROCESS_OPS)
BPF_PROG_TYPE_SOCKET_FILTER, NICE = 1, 5
FILE_LOADS = {"finit": ("/tmp/loads/finit-{}.ko", "load_module"),
              "kexec": ("/tmp/loads/kexec-{}.img", "load_kexec_image"),
              "firmware": ("/lib/firmware/camflow-{}.bin", "load_firmware")}
MEMORY_LOADS = {"init": "load_module", "bpf": "load_bpf"}


@pytest.fixture(scope="module")
def loadops(compile_static) -> Path:
    return compile_static(PROGS / "loadops.c")


@pytest.fixture(scope="module")
def run(run_vm, loadops):
    result = run_vm("loads.sh", "--bin", str(loadops), timeout=600)
    assert result.returncode == 0, result.explain()
    assert result.text("loads-done.txt").strip() == "done", result.explain()
    return result


def test_every_operation_behaved(run):
    assert run.text("loads-failed.txt").strip() == "", run.text("workload.stderr")[-3000:]


def test_kernel_log_is_clean(run):
    dmesg = run.text("dmesg.txt")
    assert dmesg, "no dmesg.txt"
    for bad in ("WARNING:", "BUG:", "circular locking", "recursive locking", "inconsistent lock",
                "lockdep is turned off", "sleeping function called"):
        assert bad not in dmesg, f"{bad} in the kernel log:\n{dmesg[-4000:]}"


def flags(relation) -> int:
    return int(str(relation.attributes.get("cf:flags", "0")), 16)


class Processes:
    """The graph with every kernel object's versions and every process's
    command line indexed."""

    def __init__(self, path: Path):
        self.graph = graph = provgraph.Graph.load(path)
        self.key_of = {n: graph.object_key(n) for n in graph.nodes}
        self.versions = defaultdict(set)
        for node_id, key in self.key_of.items():
            self.versions[key].add(node_id)
        args = defaultdict(list)
        for relation in graph.relations:
            if relation.type == "arg" and relation.receiver in self.key_of:
                value = graph.nodes.get(relation.sender, {}).get("cf:value", "")
                args[self.key_of[relation.receiver]].append(
                    (int(relation.attributes.get("cf:id", 0)), value))
        self.by_args = defaultdict(set)
        for key, values in args.items():
            self.by_args[" ".join(v for _, v in sorted(values))].add(key)
        self.machines = {n for n, a in graph.nodes.items() if a.get("prov:type") == "machine"}

    def all_versions(self, nodes) -> set:
        return set().union(*(self.versions[self.key_of[n]] for n in nodes if n in self.key_of))

    def memory(self, command: str) -> set:
        keys = self.by_args.get(command, set())
        assert len(keys) == 1, f"{len(keys)} processes ran '{command}'"
        return set(self.versions[next(iter(keys))])

    def tasks_of(self, memory: set) -> set:
        tasks = set()
        for node in memory:
            for r in self.graph.outgoing.get(node, []):
                if r.type == "memory_read":
                    tasks.add(r.receiver)
            for r in self.graph.incoming.get(node, []):
                if r.type in ("memory_write", "exec_task"):
                    tasks.add(r.sender)
        return self.all_versions(tasks)

    def children(self, tasks: set) -> set:
        found = {r.receiver for t in tasks for r in self.graph.outgoing.get(t, [])
                 if r.type == "clone"}
        return self.all_versions(found) - tasks

    def edges(self, kind: str, senders: set, receivers=None) -> list:
        return [r for s in senders for r in self.graph.outgoing.get(s, [])
                if r.type == kind and (receivers is None or r.receiver in receivers)]

    def named(self, node: str, path: str) -> bool:
        return path in self.graph.names(node) or any(
            path in self.graph.names(v) for v in self.all_versions({node}))


@pytest.fixture(scope="module")
def procs(run) -> Processes:
    return Processes(run.out / "audit.log")


class Op:
    """The nodes of one run of one operation."""

    def __init__(self, procs: Processes, op: str, mode: str):
        self.memory = procs.memory(f"loadops {op} {mode}")
        self.tasks = procs.tasks_of(self.memory)
        assert self.tasks, f"no task of loadops {op} {mode}"
        self.child_tasks = procs.children(self.tasks)


def call_relations(procs: Processes, op: str, mode: str) -> dict:
    """For each relation of the call of op: the relations found in the graph
    between the nodes docs/graph-model.md names."""
    o = Op(procs, op, mode)
    e = procs.edges
    found = {}
    if op in FILE_LOADS:
        path, kind = FILE_LOADS[op]
        found["load_file"] = [r for t in o.tasks for r in procs.graph.incoming.get(t, [])
                              if r.type == "load_file"]
        found[kind] = e(kind, o.tasks, procs.machines)
    elif op in MEMORY_LOADS:
        kind = MEMORY_LOADS[op]
        found[kind] = e(kind, o.tasks, procs.machines)
        if op == "bpf":
            found[kind] = [r for r in found[kind] if flags(r) == BPF_PROG_TYPE_SOCKET_FILTER]
    elif op == "pivot":
        found["pivot_root"] = [r for t in o.tasks for r in procs.graph.incoming.get(t, [])
                               if r.type == "pivot_root" and procs.graph.nodes.get(
                                   r.sender, {}).get("prov:type") == "directory"]
    elif op == "traceme":
        found["ptrace_traceme"] = e("ptrace_traceme", o.child_tasks, o.tasks)
    elif op == "setprio":
        found["setscheduler"] = [r for r in e("setscheduler", o.tasks, o.child_tasks)
                                 if flags(r) == NICE]
    return found


def doc_section() -> str:
    text = DOC.read_text()
    return text.split("### file systems and kernel loads", 1)[1].split("\n## ", 1)[0]


def doc_calls() -> dict:
    """op -> relations of the call column, from the table of the section;
    the two process operations from the section's closing paragraph."""
    section = doc_section()
    calls = defaultdict(set)
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 6 or not cells[1].startswith("`"):
            continue
        for op in re.findall(r"`([a-z]+)`", cells[1]):
            calls[op] |= set(re.findall(r"`([a-z_]+)`", cells[4]))
    for op, relation in PROCESS_OPS.items():
        if re.search(rf"`{op}`: [^)]*`{relation}`", section.replace("\n", " ")):
            calls[op].add(relation)
    return calls


def test_the_doc_covers_every_operation():
    calls = doc_calls()
    assert set(calls) == set(OPS), f"operations in the doc {sorted(calls)}"
    for op in OPS:
        assert calls[op], f"no call relation for {op} in the doc"


@pytest.mark.parametrize("op", OPS)
def test_call_relations_in_the_real_run(procs, op):
    expected = doc_calls()[op]
    found = call_relations(procs, op, "real")
    assert expected <= set(found), f"{op}: the test does not check {expected - set(found)}"
    for relation in expected:
        assert found[relation], f"{op} real: no {relation} relation between the nodes of the table"


@pytest.mark.parametrize("op", OPS)
def test_no_call_relations_in_the_control_run(procs, op):
    found = call_relations(procs, op, "control")
    for relation in doc_calls()[op]:
        assert not found.get(relation), f"{op} control: {relation} recorded without the call"


@pytest.mark.parametrize("op", sorted(FILE_LOADS))
def test_the_loaded_file_is_the_one_written(procs, op):
    """file → task (load_file) comes from the file the operation wrote."""
    o = Op(procs, op, "real")
    path = FILE_LOADS[op][0].format("real")
    senders = {r.sender for t in o.tasks for r in procs.graph.incoming.get(t, [])
               if r.type == "load_file"}
    assert any(procs.named(s, path) for s in senders), \
        f"{op}: load_file from {[procs.graph.names(s) for s in senders]}, not {path}"


@pytest.mark.parametrize("op", sorted(MEMORY_LOADS))
def test_memory_loads_come_from_the_process_memory(procs, op):
    """proc → task (memory_read) into the task version that loads."""
    o = Op(procs, op, "real")
    loaders = {r.sender for r in procs.edges(MEMORY_LOADS[op], o.tasks, procs.machines)}
    assert loaders, f"{op}: no {MEMORY_LOADS[op]}"
    reads = [r for r in procs.edges("memory_read", o.memory) if r.receiver in loaders]
    assert reads, f"{op}: no memory_read from the process memory into the loading task"


def test_init_module_has_no_file(procs):
    o = Op(procs, "init", "real")
    assert not [r for t in o.tasks for r in procs.graph.incoming.get(t, [])
                if r.type == "load_file"]


def test_graph_is_acyclic(procs):
    assert procs.graph.find_cycle() is None
