"""Processes, signals and IPC (issue 7): one boot runs every operation of
progs/ipcops.c as its own process, once for real and once as a control that
does everything but the call, and checks the relations docs/graph-model.md
("Processes, signals and IPC") lists for each: present in the real run,
between the nodes the table says, and missing from the control run.

Processes are told apart by their command line (the `arg` nodes of their
process memory): `ipcops OP real|control`; receivers are children that
executed `ipcops HALF ID real|control`.
"""
from pathlib import Path

import pytest

import opruns
from opruns import Processes, flags

TOP = Path(__file__).resolve().parents[2]
DOC = TOP / "docs" / "graph-model.md"
PROGS = Path(__file__).resolve().parent / "progs"
OPS = ["kill", "killh", "setuid", "setreuid", "setresuid", "setgid", "setregid",
       "setresgid", "fork", "vfork", "clone", "execve", "exit", "ptrace", "prctl",
       "setrlimit", "msg", "shm", "sem", "mq"]
MODES = ("real", "control")
RECEIVER = {"msg": "msgrecv", "shm": "shmread", "sem": "semwait", "mq": "mqrecv"}
SIGTERM, SIGUSR1, PR_SET_NAME, RLIMIT_NOFILE = 15, 10, 15, 7


@pytest.fixture(scope="module")
def run(run_vm, compile_static):
    return opruns.boot(run_vm, "ipc_ops.sh", compile_static(PROGS / "ipcops.c"), "ipc")


def test_every_operation_behaved(run):
    opruns.assert_nothing_failed(run, "ipc")


def test_kernel_log_is_clean(run):
    opruns.assert_kernel_log_is_clean(run)


@pytest.fixture(scope="module")
def procs(run) -> Processes:
    return Processes(run.out / "audit.log")


class Op(opruns.OpRun):
    """The nodes of one run of one operation, with the child's memory and
    the receiver's process."""

    def __init__(self, procs: Processes, op: str, mode: str):
        super().__init__(procs, f"ipcops {op} {mode}")
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
    return opruns.doc_table_calls(section)


def test_the_doc_table_covers_every_operation():
    opruns.assert_doc_covers(doc_calls(), OPS)


@pytest.mark.parametrize("op", OPS)
def test_call_relations_in_the_real_run(procs, op):
    opruns.assert_call_relations(op, doc_calls()[op], call_relations(procs, op, "real"),
                                 also={"terminate_task"} if op == "exit" else ())


@pytest.mark.parametrize("op", OPS)
def test_no_call_relations_in_the_control_run(procs, op):
    opruns.assert_no_call_relations(op, doc_calls()[op], call_relations(procs, op, "control"))


def test_graph_is_acyclic(procs):
    assert procs.graph.find_cycle() is None
