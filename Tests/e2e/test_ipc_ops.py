"""Processes, signals and IPC (issue 7): one boot runs every operation of
progs/ipcops.c as its own process, once for real and once as a control that
does everything but the call, and checks the relations docs/graph-model.md
("Processes, signals and IPC") lists for each: present in the real run,
between the nodes the table says, and missing from the control run.

Processes are told apart by their command line (the `arg` nodes of their
process memory): `ipcops OP real|control`; receivers are children that
executed `ipcops HALF ID real|control`.
"""
import re
from collections import defaultdict
from pathlib import Path

import pytest

import provgraph

TOP = Path(__file__).resolve().parents[2]
DOC = TOP / "docs" / "graph-model.md"
PROGS = Path(__file__).resolve().parent / "progs"
OPS = ["kill", "killh", "setuid", "setreuid", "setresuid", "setgid", "setregid",
       "setresgid", "fork", "vfork", "clone", "execve", "exit", "ptrace", "prctl",
       "setrlimit", "msg", "shm", "sem", "mq"]
MODES = ("real", "control")
RECEIVER = {"msg": "msgrecv", "shm": "shmread", "sem": "semwait", "mq": "mqrecv"}
MEMORY_LINKS = {"memory_read", "memory_write", "exec_task"}
SIGTERM, SIGUSR1, PR_SET_NAME, RLIMIT_NOFILE = 15, 10, 15, 7


@pytest.fixture(scope="module")
def ipcops(compile_static) -> Path:
    return compile_static(PROGS / "ipcops.c")


@pytest.fixture(scope="module")
def run(run_vm, ipcops):
    result = run_vm("ipc_ops.sh", "--bin", str(ipcops), timeout=600)
    assert result.returncode == 0, result.explain()
    assert result.text("ipc-done.txt").strip() == "done", result.explain()
    return result


def test_every_operation_behaved(run):
    assert run.text("ipc-failed.txt").strip() == "", run.text("workload.stderr")[-3000:]


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

    def all_versions(self, nodes) -> set:
        return set().union(*(self.versions[self.key_of[n]] for n in nodes if n in self.key_of))

    def memory(self, command: str) -> set:
        keys = self.by_args.get(command, set())
        assert len(keys) == 1, f"{len(keys)} processes ran '{command}'"
        return set(self.versions[next(iter(keys))])

    def memory_like(self, pattern: str) -> set:
        keys = {k for args, ks in self.by_args.items() if re.fullmatch(pattern, args) for k in ks}
        assert len(keys) == 1, f"{len(keys)} processes match '{pattern}'"
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

    def memory_of_tasks(self, tasks: set) -> set:
        found = set()
        for t in tasks:
            for r in self.graph.incoming.get(t, []):
                if r.type == "memory_read":
                    found.add(r.sender)
            for r in self.graph.outgoing.get(t, []):
                if r.type in MEMORY_LINKS | {"clone_mem"}:
                    found.add(r.receiver)
        return self.all_versions(found)

    def edges(self, kind: str, senders: set, receivers=None) -> list:
        return [r for s in senders for r in self.graph.outgoing.get(s, [])
                if r.type == kind and (receivers is None or r.receiver in receivers)]

    def version(self, node: str) -> int:
        return int(self.graph.nodes.get(node, {}).get("cf:version", 0))


@pytest.fixture(scope="module")
def procs(run) -> Processes:
    return Processes(run.out / "audit.log")


class Op:
    """The nodes of one run of one operation."""

    def __init__(self, procs: Processes, op: str, mode: str):
        self.memory = procs.memory(f"ipcops {op} {mode}")
        self.tasks = procs.tasks_of(self.memory)
        assert self.tasks, f"no task of ipcops {op} {mode}"
        self.child_tasks = procs.children(self.tasks)
        # a child's memory is made by the parent's task at fork (clone_mem)
        made = {r.receiver for r in procs.edges("clone_mem", self.tasks)}
        self.child_memory = (procs.all_versions(made) |
                             procs.memory_of_tasks(self.child_tasks)) - self.memory
        self.receiver_memory = self.receiver_tasks = set()
        if op in RECEIVER:
            self.receiver_memory = procs.memory_like(rf"ipcops {RECEIVER[op]} \S+ {mode}")
            self.receiver_tasks = procs.tasks_of(self.receiver_memory)


def call_relations(procs: Processes, op: str, mode: str) -> dict:
    """For each relation of the call of op: the relations found in the graph
    between the nodes docs/graph-model.md names."""
    o = Op(procs, op, mode)
    e = procs.edges
    found = {}
    if op in ("kill", "killh"):
        signal = SIGTERM if op == "kill" else SIGUSR1
        found["signal"] = [r for r in e("signal", o.tasks, o.child_tasks) if flags(r) == signal]
    elif op in ("setuid", "setreuid", "setresuid"):
        found["setuid"] = e("setuid", o.tasks)
    elif op in ("setgid", "setregid", "setresgid"):
        found["setpgid"] = e("setpgid", o.tasks)
    elif op in ("fork", "vfork", "clone"):
        found["clone"] = e("clone", o.tasks, o.child_tasks)
    elif op == "execve":
        target = procs.memory("ipcops noop execve-target") if mode == "real" else set()
        found["exec_task"] = e("exec_task", o.tasks, target) if target else \
            [r for r in e("exec_task", o.tasks) if r.receiver not in o.memory]
    elif op == "exit":
        found["wait"] = [r for r in e("wait", o.child_tasks, o.tasks) if flags(r) == 42 << 8]
    elif op == "ptrace":
        found["ptrace_attach_task"] = e("ptrace_attach_task", o.tasks, o.child_tasks)
        found["ptrace_attach"] = e("ptrace_attach", o.tasks, o.child_memory)
        found["ptrace_read_task"] = e("ptrace_read_task", o.child_tasks, o.tasks)
        found["ptrace_read"] = e("ptrace_read", o.child_memory, o.tasks)
    elif op == "prctl":
        found["prctl"] = [r for r in e("prctl", o.tasks, o.memory) if flags(r) == PR_SET_NAME]
    elif op == "setrlimit":
        found["setrlimit"] = [r for r in e("setrlimit", o.tasks, o.memory)
                              if flags(r) == RLIMIT_NOFILE]
    elif op == "msg":
        sent = e("send_msg_queue", o.tasks)
        messages = {r.receiver for r in sent}
        found["send_msg_queue"] = sent
        found["msg_enqueue"] = [r for r in e("msg_enqueue", messages)
                                if procs.graph.nodes[r.receiver].get("prov:type") == "msg_queue"]
        found["receive_msg_queue"] = e("receive_msg_queue", messages, o.receiver_tasks)
    elif op == "shm":
        found["sh_attach"] = e("sh_attach", o.tasks)
        written = e("sh_write", o.memory)
        # the reader reads the version the writer's detach made (or a later one)
        found["sh_write"] = [w for w in written for r in e(
            "sh_read", procs.all_versions({w.receiver}), o.receiver_memory)
            if procs.version(r.sender) >= procs.version(w.receiver)]
    elif op == "sem":
        found["sem_write"] = [w for w in e("sem_write", o.tasks) for r in e(
            "sem_read", procs.all_versions({w.receiver}), o.receiver_tasks)
            if procs.version(r.sender) >= procs.version(w.receiver)]
    elif op == "mq":
        sent = e("send_msg_queue", o.tasks)
        found["send_msg_queue"] = sent
        queues = procs.all_versions({r.receiver for r in sent})
        found["receive_msg_queue"] = [r for r in e("receive_msg_queue", queues, o.receiver_tasks)
                                      if any(procs.version(r.sender) >= procs.version(s.receiver)
                                             for s in sent)]
        if mode == "control":
            # nothing from the control's receiver either
            found["receive_msg_queue"] = [r for t in o.receiver_tasks
                                          for r in procs.graph.incoming.get(t, [])
                                          if r.type == "receive_msg_queue"]
    if op == "exit" and mode == "real":
        found["terminate_task"] = e("terminate_task", o.child_tasks)
    return found


def doc_calls() -> dict:
    """op -> relations of the call column, from the tables of the section."""
    text = DOC.read_text()
    section = text.split("## Processes, signals and IPC", 1)[1].split("\n## ", 1)[0]
    calls = defaultdict(set)
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 6 or not cells[1].startswith("`"):
            continue
        for op in re.findall(r"`([a-z]+)`", cells[1]):
            calls[op] |= set(re.findall(r"`([a-z_]+)`", cells[4]))
    return calls


def test_the_doc_table_covers_every_operation():
    calls = doc_calls()
    assert set(calls) == set(OPS), f"operations in the doc {sorted(calls)}"
    for op in OPS:
        assert calls[op], f"no call relation for {op} in the doc"


@pytest.mark.parametrize("op", OPS)
def test_call_relations_in_the_real_run(procs, op):
    expected = doc_calls()[op]
    found = call_relations(procs, op, "real")
    assert expected <= set(found), f"{op}: the test does not check {expected - set(found)}"
    for relation in expected | ({"terminate_task"} if op == "exit" else set()):
        assert found[relation], f"{op} real: no {relation} relation between the nodes of the table"


@pytest.mark.parametrize("op", OPS)
def test_no_call_relations_in_the_control_run(procs, op):
    found = call_relations(procs, op, "control")
    for relation in doc_calls()[op]:
        assert not found.get(relation), f"{op} control: {relation} recorded without the call"


def test_graph_is_acyclic(procs):
    assert procs.graph.find_cycle() is None
