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
from pathlib import Path

import pytest

import opruns
from opruns import Processes, flags

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
def run(run_vm, compile_static):
    return opruns.boot(run_vm, "loads.sh", compile_static(PROGS / "loadops.c"), "loads")


def test_every_operation_behaved(run):
    opruns.assert_nothing_failed(run, "loads")


def test_kernel_log_is_clean(run):
    opruns.assert_kernel_log_is_clean(run)


@pytest.fixture(scope="module")
def procs(run) -> Processes:
    return Processes(run.out / "audit.log")


def op_run(procs: Processes, op: str, mode: str) -> opruns.OpRun:
    """The nodes of one run of one operation."""
    return opruns.OpRun(procs, f"loadops {op} {mode}")


def call_relations(procs: Processes, op: str, mode: str) -> dict:
    """For each relation of the call of op: the relations found in the graph
    between the nodes docs/graph-model.md names."""
    o = op_run(procs, op, mode)
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
    calls = opruns.doc_table_calls(section)
    for op, relation in PROCESS_OPS.items():
        if re.search(rf"`{op}`: [^)]*`{relation}`", section.replace("\n", " ")):
            calls[op].add(relation)
    return calls


def test_the_doc_covers_every_operation():
    opruns.assert_doc_covers(doc_calls(), OPS)


@pytest.mark.parametrize("op", OPS)
def test_call_relations_in_the_real_run(procs, op):
    opruns.assert_call_relations(op, doc_calls()[op], call_relations(procs, op, "real"))


@pytest.mark.parametrize("op", OPS)
def test_no_call_relations_in_the_control_run(procs, op):
    opruns.assert_no_call_relations(op, doc_calls()[op], call_relations(procs, op, "control"))


@pytest.mark.parametrize("op", sorted(FILE_LOADS))
def test_the_loaded_file_is_the_one_written(procs, op):
    """file → task (load_file) comes from the file the operation wrote."""
    o = op_run(procs, op, "real")
    path = FILE_LOADS[op][0].format("real")
    senders = {r.sender for t in o.tasks for r in procs.graph.incoming.get(t, [])
               if r.type == "load_file"}
    assert any(procs.named(s, path) for s in senders), \
        f"{op}: load_file from {[procs.graph.names(s) for s in senders]}, not {path}"


@pytest.mark.parametrize("op", sorted(MEMORY_LOADS))
def test_memory_loads_come_from_the_process_memory(procs, op):
    """proc → task (memory_read) into the task version that loads."""
    o = op_run(procs, op, "real")
    loaders = {r.sender for r in procs.edges(MEMORY_LOADS[op], o.tasks, procs.machines)}
    assert loaders, f"{op}: no {MEMORY_LOADS[op]}"
    reads = [r for r in procs.edges("memory_read", o.memory) if r.receiver in loaders]
    assert reads, f"{op}: no memory_read from the process memory into the loading task"


def test_init_module_has_no_file(procs):
    o = op_run(procs, "init", "real")
    assert not [r for t in o.tasks for r in procs.graph.incoming.get(t, [])
                if r.type == "load_file"]


def test_graph_is_acyclic(procs):
    assert procs.graph.find_cycle() is None
