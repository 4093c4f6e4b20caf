"""File and descriptor operations under whole-system capture, one boot.

Tests/e2e/progs/fsops.c runs each operation in its own process, once for real
and once as a control that does everything but the call; the workload prints
the pid of every process taking part.  The graph is split per process by the
task that recorded each relation (cf:task_id -> the task's cf:pid), and each
real run must have the relations docs/graph-model.md ("Files and
descriptors") lists, with the endpoint kinds given there, where the control
has none of them.
"""
import re
from pathlib import Path

import pytest

import provgraph

PROGS = Path(__file__).resolve().parent / "progs"
TOP = Path(__file__).resolve().parents[2]

# operation -> role -> [(relation, sender kind, receiver kind)]
SETATTR = [("setattr", "task", "iattr"), ("setattr_inode", "iattr", "file")]
DUP = [("dup", "task", "file")]
EXPECTED = {
    "creat": {"main": [("open_write", "task", "file"), ("inode_create", "task", "directory")]},
    "open": {"main": [("open", "file", "task")]},
    "open_wronly": {"main": [("open_write", "task", "file")]},
    "open_rdwr": {"main": [("open", "file", "task")]},
    "openat": {"main": [("open", "file", "task")]},
    "read": {"main": [("read", "file", "task")]},
    "pread": {"main": [("read", "file", "task")]},
    "write": {"main": [("write", "task", "file")]},
    "pwrite": {"main": [("write", "task", "file")]},
    "dup": {"main": DUP},
    "dup2": {"main": DUP},
    "dup3": {"main": DUP},
    "fcntl_dupfd": {"main": DUP},
    "dup_wronly": {"main": DUP},
    "close": {"main": [("close", "task", "file")]},
    "close_pipe": {"main": [("close", "task", "pipe")]},
    "link": {"main": [("link", "task", "file")]},
    "linkat": {"main": [("link", "task", "file")]},
    "symlink": {"main": [("symlink", "task", "directory")]},
    "symlinkat": {"main": [("symlink", "task", "directory")]},
    "mknod": {"main": [("inode_create", "task", "directory")]},
    "mknodat": {"main": [("inode_create", "task", "directory")]},
    "rename": {"main": [("rename", "task", "file")]},
    "renameat": {"main": [("rename", "task", "file")]},
    "chmod": {"main": SETATTR},
    "fchmod": {"main": SETATTR},
    "fchmodat": {"main": SETATTR},
    "chown": {"main": SETATTR},
    "fchown": {"main": SETATTR},
    "fchownat": {"main": SETATTR},
    "truncate": {"main": SETATTR},
    "ftruncate": {"main": SETATTR},
    "pipe": {"main": [("write", "task", "pipe"), ("read", "pipe", "task")]},
    "pipe2": {"main": [("write", "task", "pipe"), ("read", "pipe", "task")]},
    "tee": {"main": [("splice_in", "pipe", "task"), ("splice_out", "task", "pipe")]},
    "splice_file_pipe": {"main": [("splice_in", "file", "task"), ("splice_out", "task", "pipe")]},
    "splice_pipe_file": {"main": [("splice_in", "pipe", "task"), ("splice_out", "task", "file")]},
    "splice_pipe_pipe": {"main": [("splice_in", "pipe", "task"), ("splice_out", "task", "pipe")]},
    "vmsplice": {"main": [("splice_out", "task", "pipe")]},
    "sendfile": {"main": [("splice_in", "file", "task"), ("splice_out", "task", "pipe")]},
    "sendfile_file": {"main": [("splice_in", "file", "task"), ("splice_out", "task", "file")]},
    "copy_file_range": {"main": [("read", "file", "task"), ("write", "task", "file")]},
    "setxattr": {"main": [("setxattr", "task", "file")]},
    "getxattr": {"main": [("getxattr", "file", "task")]},
    "listxattr": {"main": [("listxattr", "file", "task")]},
    "removexattr": {"main": [("removexattr", "task", "file")]},
    "flock": {"main": [("file_lock", "task", "file")]},
    "fcntl_lock": {"main": [("file_lock", "task", "file"), ("fcntl", "file", "task")]},
    "fcntl": {"main": [("fcntl", "file", "task")]},
    "ioctl": {"main": [("write_ioctl", "task", "file"), ("read_ioctl", "file", "task")]},
    "ioctl_read": {"main": [("read_ioctl", "file", "task")]},
    "scm_rights": {"receiver": [("file_rcv", "file", "task")]},
    "mount": {"main": [("mount", "task", "directory")]},
    "shared_map": {"writer": [("sh_write", "process_memory", "file")],
                   "reader": [("mmap", "file", "task")]},
    "mapped_then_mmap": {"writer": [("sh_write", "process_memory", "file"),
                                    ("sh_read", "file", "process_memory")]},
    "mapped_then_write": {"writer": [("write", "task", "file"),
                                     ("sh_read", "file", "process_memory")]},
    "writer_mapped_then_read": {"reader": [("sh_write", "process_memory", "file")]},
    "reverse_shell": {"shell": [("dup", "task", "socket")]},
}
CASES = [(op, role, expectation) for op, roles in EXPECTED.items()
         for role, expectations in roles.items() for expectation in expectations]


@pytest.fixture(scope="module")
def fsops_bin(compile_static):
    return compile_static(PROGS / "fsops.c")


@pytest.fixture(scope="module")
def fs_run(run_vm, fsops_bin):
    run = run_vm("fs_ops.sh", "--bin", str(fsops_bin), timeout=1200)
    assert run.returncode == 0, run.explain()
    assert run.text("workload.stdout").rstrip().endswith("fs ops done"), run.explain()
    return run


@pytest.fixture(scope="module")
def graph(fs_run):
    return provgraph.Graph.load(fs_run.out / "audit.log")


@pytest.fixture(scope="module")
def pids(fs_run):
    """(op, mode, role) -> pid, from the lines the program printed."""
    found = {}
    for match in re.finditer(r"^PID (\S+) (real|ctl) (\S+) (\d+)$",
                             fs_run.text("workload.stdout"), re.M):
        found[(match[1], match[2], match[3])] = int(match[4])
    return found


@pytest.fixture(scope="module")
def names(graph):
    """object key -> path names of any of its versions."""
    found = {}
    for node_id, node in graph.nodes.items():
        if "cf:name" in node:
            found.setdefault(graph.object_key(node_id), set()).add(node["cf:name"])
    for relation in graph.relations:
        if relation.type == "named":
            path = graph.nodes.get(relation.sender, {}).get("cf:pathname")
            if path:
                found.setdefault(graph.object_key(relation.receiver), set()).add(path)
    return found


@pytest.fixture(scope="module")
def by_task(graph):
    """pid -> relations recorded by a task with that pid."""
    task_pid = {node["cf:id"]: node.get("cf:pid") for node in graph.nodes.values()
                if node.get("prov:type") == "task" and "cf:id" in node}
    relations = {}
    for relation in graph.relations:
        pid = task_pid.get(relation.attributes.get("cf:task_id"))
        relations.setdefault(pid, []).append(relation)
    return relations


def kind(graph, node_id):
    return graph.nodes.get(node_id, {}).get("prov:type")


def matching(graph, relations, expectation, names=None, prefix=None):
    """Relations of the expected type and endpoint kinds; with a prefix, the
    file endpoints must be named under it (the process also writes stdout)."""
    name, sender, receiver = expectation

    def fits(node_id, wanted):
        if kind(graph, node_id) != wanted:
            return False
        if prefix is None or wanted != "file":
            return True
        return any(path.startswith(prefix) for path in names.get(graph.object_key(node_id), ()))
    return [r for r in relations if r.type == name and fits(r.sender, sender)
            and fits(r.receiver, receiver)]


def test_no_kernel_warning_and_nothing_dropped(fs_run):
    dmesg = fs_run.text("dmesg.txt")
    assert "provenance" in dmesg
    report = re.search(r"Oops|BUG:|WARNING:|INFO: possible|lockdep is turned off|"
                       r"circular locking|inconsistent lock state|sleeping function called", dmesg)
    assert not report, f"kernel report in dmesg: {report[0]}"
    assert fs_run.text("dropped").strip() == "0"


@pytest.mark.parametrize("op,role,expectation", CASES,
                         ids=[f"{op}-{role}-{e[0]}" for op, role, e in CASES])
def test_operation_leaves_its_trace(graph, pids, by_task, names, op, role, expectation):
    real, control = pids.get((op, "real", role)), pids.get((op, "ctl", role))
    assert real and control, f"no pid printed for {op} {role}"
    assert by_task.get(real), f"nothing recorded for {op} real ({real})"
    assert by_task.get(control), f"nothing recorded for {op} ctl ({control})"
    assert matching(graph, by_task[real], expectation, names, f"/tmp/fs/{op}-real/"), \
        f"{op}: no {expectation} in the real run"
    assert not matching(graph, by_task[control], expectation, names, f"/tmp/fs/{op}-ctl/"), \
        f"{op}: {expectation} in the control run"


def test_open_for_writing_only_is_no_flow_into_the_process(graph, pids, by_task):
    for op in ("open_wronly", "creat"):
        opened = graph.named(f"/tmp/fs/{op}-real/in") | graph.named(f"/tmp/fs/{op}-real/new")
        assert opened, f"{op}: the file is not named"
        into_task = [r for r in by_task[pids[(op, "real", "main")]]
                     if r.type == "open" and r.sender in opened]
        assert not into_task, f"{op}: open recorded as a flow into the process"


def test_open_read_write_keeps_open(graph):
    opened = graph.named("/tmp/fs/open_rdwr-real/in")
    assert any(r.type == "open" for node in opened for r in graph.outgoing.get(node, []))


def test_dup_is_no_flow_into_the_task(graph, pids, by_task, names):
    for op in ("dup", "dup_wronly", "dup2"):
        relations = by_task[pids[(op, "real", "main")]]
        assert not [r for r in relations if r.type == "dup" and kind(graph, r.receiver) == "task"]


def test_umount_has_its_own_relation(graph, pids, by_task):
    types = [r.type for r in by_task[pids[("mount", "real", "main")]]]
    assert "umount" in types, f"no umount among {types}"
    assert "mount" in types, f"no mount among {types}"


def test_close_of_a_read_only_file_is_not_recorded(graph, pids, by_task):
    """It informs no one (docs/graph-model.md); the economy bench relies on it."""
    relations = by_task[pids[("close_rdonly", "real", "main")]]
    assert [r for r in relations if r.type == "open"]
    assert not [r for r in relations if r.type == "close"]


def test_ioctl_direction_bits(graph, pids, by_task):
    relations = by_task[pids[("ioctl_read", "real", "main")]]
    assert not [r for r in relations if r.type == "write_ioctl"], \
        "an _IOR ioctl recorded as a write"


def test_explicit_close_is_told_apart_from_exit(graph, pids, by_task):
    """The control leaves its descriptor to the close at exit: no close edge."""
    control = by_task[pids[("close", "ctl", "main")]]
    assert not [r for r in control if r.type == "close"]


@pytest.mark.parametrize("mode", ["real", "ctl"])
def test_shared_mapping_connects_writer_to_reader(graph, pids, by_task, mode):
    """writer memory -> file (sh_write) -> reader task (mmap), through one file."""
    written = {r.receiver: r.sender for r in by_task[pids[("shared_map", mode, "writer")]]
               if r.type == "sh_write"}
    mapped = [r for r in by_task[pids[("shared_map", mode, "reader")]]
              if r.type in ("mmap", "mmap_private") and kind(graph, r.sender) == "file"]
    assert mapped, f"{mode}: the reader's map is not recorded"
    connected = any(version in written or written.keys() & graph.ancestors({version})
                    for version in {r.sender for r in mapped})
    assert connected == (mode == "real"), f"{mode}: writer -> file -> reader is {connected}"


@pytest.mark.parametrize("mode", ["real", "ctl"])
@pytest.mark.parametrize("op", ["mapped_then_mmap", "mapped_then_write", "writer_mapped_then_read",
                                "writer_unmapped_then_read", "writer_exited_then_read",
                                "anon_shared"])
def test_write_reaches_a_process_that_mapped_the_file_before(graph, op, mode):
    """The reader mapped the file before a sibling wrote a secret into it
    (through a shared writable map, or pwrite): what the reader copies out
    of its map derives from the secret (file -> reader memory, sh_read).
    Or the writer mapped the file shared and writable, then read the secret
    and copied it into its map: a later read(2) of the file by a sibling
    derives from the secret (writer memory -> file, sh_write, at the read
    while the writer maps it, or when its map went away: munmap, exit).
    anon_shared: a forked child writes the secret into anonymous shared
    memory and exits; what its parent copies out derives from it."""
    out = graph.named(f"/tmp/fs/{op}-{mode}/out")
    secret = graph.named(f"/tmp/fs/{op}-{mode}/secret")
    assert out and secret, f"{op} {mode}: out or secret not named"
    assert bool(secret & graph.ancestors(out)) == (mode == "real"), \
        f"{op} {mode}: out derives from the secret: {mode != 'real'}"


@pytest.mark.parametrize("mode", ["real", "ctl"])
def test_reverse_shell_connects_the_file_to_the_socket(graph, pids, by_task, mode):
    """The shell that wrote the file is the task that put a socket on its
    standard descriptors: loot <- ... <- task -> socket (dup).  (The shared
    console file makes every process an ancestor of later ones, so the dup
    must be the shell process's own.)"""
    loot = graph.named(f"/tmp/fs/reverse_shell-{mode}/loot")
    assert loot, f"{mode}: the file the shell wrote is not named"
    lineage = graph.ancestors(loot)
    shell = by_task[pids[("reverse_shell", mode, "shell")]]
    sockets = {r.receiver for r in shell if r.type == "dup" and r.sender in lineage
               and kind(graph, r.receiver) == "socket"}
    assert bool(sockets) == (mode == "real"), f"{mode}: sockets dup'ed in the lineage: {len(sockets)}"


def test_cat_into_tr_connects_output_to_input(fs_run, graph):
    assert "LOWER CASE TEXT" in fs_run.text("workload.stdout")
    out = graph.named("/tmp/fs/pipeline/out.txt")
    source = graph.named("/tmp/fs/pipeline/in.txt")
    assert out and source
    assert source & graph.ancestors(out), "out.txt does not derive from in.txt"
    assert [r for r in graph.relations if r.type == "splice_out" and kind(graph, r.receiver) == "pipe"], \
        "no sendfile into the pipe"


def test_shell_redirect_does_not_taint_later_processes(graph):
    redirected = graph.named("/tmp/fs/pipeline/redirected.txt")
    assert redirected
    later = [r.receiver for r in graph.relations if r.type == "arg"
             and graph.nodes.get(r.sender, {}).get("cf:value") == "/bin/true"]
    assert later, "no /bin/true process"
    for memory in later:
        assert not (redirected & graph.ancestors(graph.versions(memory))), \
            "/bin/true derives from the file its shell redirected into"


def test_graph_table_lists_every_relation():
    table = (TOP / "docs" / "graph-model.md").read_text()
    for op, roles in EXPECTED.items():
        for expectations in roles.values():
            for name, sender, receiver in expectations:
                assert re.search(rf"`{name}`", table), f"{name} ({op}) not in docs/graph-model.md"
