"""Shared pieces of the e2e tests that boot one workload running each
operation of a test program (progs/*.c) as its own process, once for real
and once as a control that does everything but the call: test_ipc_ops.py,
test_loads.py and test_blocking_reads.py.

- boot() and assert_nothing_failed(): the workload's boot and its own
  verdict (the NAME-done.txt and NAME-failed.txt files it writes);
- assert_kernel_log_is_clean(): no lockdep, BUG or WARNING report in dmesg;
- Processes and OpRun: the graph with every object's versions and every
  process's command line indexed, and the nodes of one operation's run;
- doc_table_calls(), assert_doc_covers(), assert_call_relations() and
  assert_no_call_relations(): the relations docs/graph-model.md lists for
  each operation, and the checks of the doc, of the real run and of the
  control run against them.

Imported like provgraph (pytest puts this folder on sys.path, as it does for
`from conftest import TOP`).
"""
import re
from collections import defaultdict
from pathlib import Path

import provgraph

# what the kernel prints for a lockdep report, a BUG, a WARNING (WARN_ON)
# or a sleep in atomic context (DEBUG_ATOMIC_SLEEP)
KERNEL_REPORTS = ("WARNING:", "BUG:", "circular locking", "recursive locking", "inconsistent lock",
                  "lockdep is turned off", "sleeping function called")
# the relations between a task and its own process memory
MEMORY_LINKS = {"memory_read", "memory_write", "exec_task"}


def boot(run_vm, workload: str, binary: Path, name: str, timeout: int = 600):
    """Boot the VM running workloads/WORKLOAD with BINARY in the guest; the
    boot must succeed and the workload must finish, which it says by
    writing `done` into NAME-done.txt.  Returns the conftest VMRun."""
    result = run_vm(workload, "--bin", str(binary), timeout=timeout)
    assert result.returncode == 0, result.explain()
    assert result.text(f"{name}-done.txt").strip() == "done", result.explain()
    return result


def assert_nothing_failed(run, name: str) -> None:
    """The workload lists in NAME-failed.txt every operation that did not
    behave as the program expected (a call that failed, data not received):
    the list must be empty."""
    assert run.text(f"{name}-failed.txt").strip() == "", run.text("workload.stderr")[-3000:]


def assert_kernel_log_is_clean(run) -> None:
    """The guest's kernel log was saved and holds none of KERNEL_REPORTS."""
    dmesg = run.text("dmesg.txt")
    assert dmesg, "no dmesg.txt"
    for bad in KERNEL_REPORTS:
        assert bad not in dmesg, f"{bad} in the kernel log:\n{dmesg[-4000:]}"


def flags(relation) -> int:
    """The cf:flags of a relation (a hexadecimal string) as a number."""
    return int(str(relation.attributes.get("cf:flags", "0")), 16)


class Processes:
    """The graph with every kernel object's versions and every process's
    command line indexed.

    A process is told apart by its command line: the `arg` nodes of its
    process memory, in the order of their cf:id, joined by spaces."""

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
        """Every version of every object of nodes (nodes not in the graph left out)."""
        return set().union(*(self.versions[self.key_of[n]] for n in nodes if n in self.key_of))

    def memory(self, command: str) -> set:
        """The versions of the process memory of the one process that ran command."""
        keys = self.by_args.get(command, set())
        assert len(keys) == 1, f"{len(keys)} processes ran '{command}'"
        return set(self.versions[next(iter(keys))])

    def memory_like(self, pattern: str) -> set:
        """memory() of the one process whose command line matches pattern (a regex)."""
        keys = {k for args, ks in self.by_args.items() if re.fullmatch(pattern, args) for k in ks}
        assert len(keys) == 1, f"{len(keys)} processes match '{pattern}'"
        return set(self.versions[next(iter(keys))])

    def tasks_of(self, memory: set) -> set:
        """Every version of the tasks that read, write or executed into memory."""
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
        """Every version of the tasks that tasks cloned."""
        found = {r.receiver for t in tasks for r in self.graph.outgoing.get(t, [])
                 if r.type == "clone"}
        return self.all_versions(found) - tasks

    def memory_of_tasks(self, tasks: set) -> set:
        """Every version of the process memories tasks are linked to (their
        own, and those they made at fork: clone_mem)."""
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
        """The relations of type kind from senders (to receivers, if given)."""
        return [r for s in senders for r in self.graph.outgoing.get(s, [])
                if r.type == kind and (receivers is None or r.receiver in receivers)]

    def version(self, node: str) -> int:
        """The node's cf:version (0 if it has none)."""
        return int(self.graph.nodes.get(node, {}).get("cf:version", 0))

    def named(self, node: str, path: str) -> bool:
        """Whether path names node or another version of its object."""
        return path in self.graph.names(node) or any(
            path in self.graph.names(v) for v in self.all_versions({node}))


class OpRun:
    """The nodes of the one process that ran command (`PROGRAM OP MODE`):
    the versions of its memory, of its tasks and of the tasks they cloned."""

    def __init__(self, procs: Processes, command: str):
        self.memory = procs.memory(command)
        self.tasks = procs.tasks_of(self.memory)
        assert self.tasks, f"no task of {command}"
        self.child_tasks = procs.children(self.tasks)


def doc_table_calls(section: str) -> dict:
    """op -> relations of the call column, from the tables of a section of
    docs/graph-model.md (| Operation | test | Nodes | Relations | call | Why |):
    the rows whose test cell names operations in backquotes."""
    calls = defaultdict(set)
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 6 or not cells[1].startswith("`"):
            continue
        for op in re.findall(r"`([a-z]+)`", cells[1]):
            calls[op] |= set(re.findall(r"`([a-z_]+)`", cells[4]))
    return calls


def assert_doc_covers(calls: dict, ops) -> None:
    """The doc (calls: op -> relations, from doc_table_calls()) names
    exactly the operations ops, each with at least one call relation."""
    assert set(calls) == set(ops), f"operations in the doc {sorted(calls)}"
    for op in ops:
        assert calls[op], f"no call relation for {op} in the doc"


def assert_call_relations(op: str, expected: set, found: dict, also=()) -> None:
    """The real run: the test looked for every relation the doc lists for op
    (expected), and found each, and each of also, between the table's nodes."""
    assert expected <= set(found), f"{op}: the test does not check {expected - set(found)}"
    for relation in expected | set(also):
        assert found[relation], f"{op} real: no {relation} relation between the nodes of the table"


def assert_no_call_relations(op: str, expected: set, found: dict) -> None:
    """The control run: none of the relations the doc lists for op."""
    for relation in expected:
        assert not found.get(relation), f"{op} control: {relation} recorded without the call"
