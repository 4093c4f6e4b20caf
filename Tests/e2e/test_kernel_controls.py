"""Kernel controls on the real kernel, with raw writes (no camflow ctl): the
"process" and "file" files, the security.provenance extended attribute, the
target lists, policy_hash, commit and abi_version, as root and as a user,
with good and bad input; then their effect on the recorded graph with all=0.

The workload (workloads/kernel_controls.sh) writes "KEY VALUE" lines to
kc.txt: hex dumps of what the kernel answered, "ok", or "err <strerror>".
"""
import hashlib
import re
import struct
import subprocess
from pathlib import Path

import pytest

import provgraph

ENT_PROC = 0x2000000000080000
ENT_INODE_FILE = 0x2000000000000100
INIT_CGROUP_NS = 4026531835
TAINT = 0x2A00

EINVAL = "err Invalid argument"
EPERM = "err Operation not permitted"
ENOENT = "err No such file or directory"

# getxattr/setxattr of security.provenance (or NAME) in hex; busybox has none.
XATTR_TOOL = r"""
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/xattr.h>

int main(int argc, char **argv)
{
	unsigned char buf[4096];
	const char *name = "security.provenance";
	ssize_t n, i;
	size_t len;

	if (argc >= 3 && !strcmp(argv[1], "get")) {
		if (argc > 3)
			name = argv[3];
		n = getxattr(argv[2], name, buf, sizeof(buf));
		if (n < 0) {
			printf("err %s\n", strerror(errno));
			return 1;
		}
		for (i = 0; i < n; i++)
			printf("%02x", buf[i]);
		printf("\n");
		return 0;
	}
	if (argc >= 4 && !strcmp(argv[1], "set")) {
		if (argc > 4)
			name = argv[4];
		len = strlen(argv[3]) / 2;
		if (len > sizeof(buf))
			return 2;
		for (i = 0; i < (ssize_t)len; i++)
			sscanf(argv[3] + 2 * i, "%2hhx", &buf[i]);
		if (setxattr(argv[2], name, buf, len, 0)) {
			printf("err %s\n", strerror(errno));
			return 1;
		}
		printf("ok\n");
		return 0;
	}
	fprintf(stderr, "usage: prov-xattr get PATH [NAME] | set PATH HEX [NAME]\n");
	return 2;
}
"""


@pytest.fixture(scope="module")
def xattr_tool(tmp_path_factory):
    directory = tmp_path_factory.mktemp("prov-xattr")
    source = directory / "prov-xattr.c"
    source.write_text(XATTR_TOOL)
    tool = directory / "prov-xattr"
    subprocess.run(["cc", "-O2", "-Wall", "-Werror", "-o", str(tool), str(source)], check=True)
    return tool


@pytest.fixture(scope="module")
def kc_run(run_vm, xattr_tool):
    run = run_vm("kernel_controls.sh", "--bin", str(xattr_tool), timeout=900)
    # a non-zero status also covers oops/BUG/WARNING/lockdep in the kernel log
    assert run.returncode == 0, run.explain()
    return run


@pytest.fixture(scope="module")
def kc(kc_run):
    answers = {}
    for line in kc_run.text("kc.txt").splitlines():
        key, _, value = line.partition(" ")
        answers[key] = value.strip()
    assert "done" in answers, "the workload did not finish:\n" + kc_run.text("workload.stderr")
    return answers


@pytest.fixture(scope="module")
def graph(kc_run):
    return provgraph.Graph.load(kc_run.out / "audit.log")


def state(answer: str) -> dict:
    """Decode a struct prov_object_state from its hex dump."""
    raw = bytes.fromhex(answer)
    assert len(raw) == 48, f"expected 48 bytes, got {answer!r}"
    kind, ident, boot, machine, version, zero, flags, reserved, taint = struct.unpack("<QQIIIIIIQ", raw)
    assert zero == 0 and reserved == 0
    return {"type": kind, "id": ident, "boot_id": boot, "machine_id": machine,
            "version": version, "flags": flags, "taint": taint}


def entries(answer: str, size: int) -> list:
    raw = bytes.fromhex(answer)
    assert len(raw) % size == 0, f"{len(raw)} bytes is not a whole number of {size}-byte entries"
    return [raw[i:i + size] for i in range(0, len(raw), size)]


def users(answer: str) -> list:
    """(id, op) of each struct prov_userinfo / prov_groupinfo."""
    result = []
    for entry in entries(answer, 16):
        ident, op, taint = struct.unpack("<IB3xQ", entry)
        assert taint == 0 and entry[5:8] == b"\0\0\0"
        result.append((ident, op))
    return result


# --- the files -----------------------------------------------------------------

def test_file_modes(kc_run):
    got = {}
    for line in kc_run.text("kc.txt").splitlines():
        if line.startswith("mode "):
            _, name, mode = line.split()
            got[name] = mode
    expected = {"process": "666", "file": "666", "policy_hash": "444", "commit": "444",
                "abi_version": "444", "uid": "644", "gid": "644", "ns": "644",
                "secctx_filter": "644", "ipv4_ingress": "644", "ipv4_egress": "644"}
    assert got == expected


def gate(answer: str) -> tuple:
    """(bits, tracked objects) of a struct prov_gate_state hex dump."""
    raw = bytes.fromhex(answer)
    assert len(raw) == 16, f"expected 16 bytes, got {answer!r}"
    return struct.unpack("<QQ", raw)


def test_gate_shows_capture_state_and_tracked_objects(kc):
    """gate: ENABLED 1, ALL 2, TARGETS 4, TRACKED 8, then the count of live
    tracked objects; a tracked process opens the gate, its end closes it."""
    assert kc["gate-mode"] == "444"
    assert gate(kc["gate-whole"]) == (3, 0)
    assert gate(kc["gate-nothing"]) == (1, 0)
    assert state(kc["gate-track"])["flags"] & 1
    bits, tracked = gate(kc["gate-tracked"])
    assert bits == 1 | 8 and tracked >= 1, (bits, tracked)
    assert gate(kc["gate-gone"]) == (1, 0)
    assert kc["gate-write"] == "refused"


def abi_version_in_header():
    """PROV_ABI_VERSION as the uapi header defines it."""
    header = (Path(__file__).resolve().parents[2] / "kernel-patch" / "include" / "uapi"
              / "linux" / "provenance.h").read_text()
    match = re.search(r"#define\s+PROV_ABI_VERSION\s+(\d+)", header)
    assert match, "PROV_ABI_VERSION not found in the uapi header"
    return match.group(1)


def test_abi_version_and_commit(kc):
    assert abi_version_in_header() == "2"
    assert bytes.fromhex(kc["abi_version"]) == f"{abi_version_in_header()}\n".encode()
    assert bytes.fromhex(kc["commit"]) == b"\n"


# --- process ---------------------------------------------------------------------

def test_process_query_change_and_clear(kc):
    query = state(kc["p-query-root"])
    assert query["type"] == ENT_PROC and query["id"] != 0
    assert query["boot_id"] != 0 and query["machine_id"] != 0
    assert (query["flags"], query["taint"]) == (0, 0)
    expected = {"p-set": (5, TAINT), "p-query-after": (5, TAINT), "p-untrack": (4, TAINT),
                "p-opaque": (6, TAINT), "p-unopaque": (4, TAINT)}
    for key, (flags, taint) in expected.items():
        answer = state(kc[key])
        assert (answer["type"], answer["id"]) == (ENT_PROC, query["id"]), key
        assert (answer["flags"], answer["taint"]) == (flags, taint), key


@pytest.mark.parametrize("case, error", [
    ("p-short", EINVAL), ("p-long", EINVAL), ("p-op-delete", EINVAL), ("p-bad-flags", EINVAL),
    ("p-reserved", EINVAL), ("p-reserved2", EINVAL), ("p-no-such", "err No such process"),
    ("p-zero", "err No such process"),
])
def test_process_refuses_bad_requests(kc, case, error):
    assert kc[case] == error


def test_process_read_before_any_request_is_refused(kc):
    assert kc["p-read-first"] == "Invalid argument"


# --- file ------------------------------------------------------------------------

def test_file_query_by_absolute_path_relative_path_and_descriptor(kc):
    absolute = state(kc["f-query-root"])
    assert absolute["type"] == ENT_INODE_FILE and absolute["id"] != 0
    assert (absolute["flags"], absolute["taint"]) == (0, 0)
    assert state(kc["f-query-rel"])["id"] == absolute["id"]
    assert state(kc["f-query-fd"])["id"] == absolute["id"]
    assert state(kc["f-query-link"])["id"] == absolute["id"], "a symlink names its target"


def test_file_change_and_clear(kc):
    base = state(kc["f-query-root"])["id"]
    changed = state(kc["f-set"])
    assert (changed["id"], changed["flags"], changed["taint"]) == (base, 1, 42)
    cleared = state(kc["f-untrack"])
    assert (cleared["id"], cleared["flags"], cleared["taint"]) == (base, 0, 42)


@pytest.mark.parametrize("case, error", [
    ("f-short-path", EINVAL), ("f-long-path", EINVAL), ("f-no-path", EINVAL),
    ("f-fd-and-path", EINVAL), ("f-fd-minus-two", EINVAL), ("f-reserved", EINVAL),
    ("f-op-delete", EINVAL), ("f-tiny", EINVAL), ("f-nul", EINVAL), ("f-missing", ENOENT),
    ("f-bad-fd", "err Bad file descriptor"), ("f-path-max", EINVAL),
])
def test_file_refuses_bad_requests(kc, case, error):
    assert kc[case] == error


# --- as a user -------------------------------------------------------------------

def test_a_user_may_query_but_not_change(kc):
    assert state(kc["user-p-query"])["id"] == state(kc["p-query-root"])["id"]
    assert state(kc["user-f-query"])["id"] == state(kc["f-query-root"])["id"]
    assert kc["user-p-set"] == EPERM
    assert kc["user-f-set"] == EPERM
    # the lists are 0644: refused by the file mode; written through a
    # descriptor root opened: refused by the capability check
    assert kc["user-open-uid"] == "err Permission denied"
    for name in ("uid", "gid", "ns", "secctx_filter", "ipv4_ingress", "ipv4_egress"):
        assert kc[f"user-{name}"] == EPERM, name
    assert kc["user-xattr-set"] == EPERM
    assert state(kc["user-xattr-get"])["id"] == state(kc["f-query-root"])["id"]
    assert len(bytes.fromhex(kc["user-policy-hash"])) == 32


# --- security.provenance -------------------------------------------------------------

def test_xattr_reads_and_sets_the_live_state(kc):
    base = state(kc["f-query-root"])["id"]
    got = state(kc["x-get"])
    assert (got["type"], got["id"], got["flags"], got["taint"]) == (ENT_INODE_FILE, base, 0, 42)
    assert kc["x-set-opaque"] == "ok"
    opaque = state(kc["x-get-opaque"])
    assert (opaque["flags"], opaque["taint"]) == (2, 42 | 256)   # flags as given, taint ORed
    assert kc["x-set-clear"] == "ok"
    cleared = state(kc["x-get-clear"])
    assert (cleared["flags"], cleared["taint"]) == (0, 42 | 256)


def test_xattr_refuses_bad_values(kc):
    for case in ("x-set-short", "x-set-reserved", "x-set-bad-flags"):
        assert kc[case] == EINVAL, case
    after = state(kc["x-get-after-bad"])
    assert (after["flags"], after["taint"]) == (0, 42 | 256)


def test_other_security_xattrs_keep_the_capability_check(kc):
    # implementing inode_setxattr must not let users set security.* freely
    assert kc["user-foreign-xattr"] == EPERM
    assert kc["x-foreign-root"] == "ok"


# --- target lists ----------------------------------------------------------------------

def test_uid_list_add_replace_delete_sorted(kc):
    for key in ("uid-add-1000", "uid-add-5", "uid-add-3", "uid-replace-5", "uid-del-5",
                "uid-del-1000", "uid-del-3"):
        assert kc[key] == "ok", key
    assert users(kc["list-uid-three"]) == [(3, 5), (5, 2), (1000, 1)]
    assert users(kc["list-uid-replaced"]) == [(3, 5), (5, 1), (1000, 1)]
    assert users(kc["list-uid-deleted"]) == [(3, 5), (1000, 1)]
    assert kc["uid-del-5-again"] == ENOENT
    assert kc["list-uid-empty"] == ""


@pytest.mark.parametrize("case", ["u-op0", "u-op-prop-only", "u-op-record", "u-op-track-opaque",
                                  "u-reserved", "u-taint", "u-short", "u-long"])
def test_uid_list_refuses_bad_entries(kc, case):
    assert kc[case] == EINVAL


def test_list_bound(kc):
    assert kc["gid-fill"] == "ok"
    assert kc["gid-count"] == str(256 * 16)
    assert kc["gid-257th"] == "err No space left on device"
    assert kc["gid-replace-when-full"] == "ok"
    assert users(kc["gid-entry-100"]) == [(100, 5)]
    assert kc["gid-empty"] == "ok"
    assert kc["gid-count-after"] == "0"


def test_namespace_list(kc):
    assert kc["ns-add"] == "ok" and kc["ns-del"] == "ok"
    (entry,) = entries(kc["list-ns-one"], 40)
    fields = struct.unpack("<6IB7xQ", entry)
    assert fields == (0, 0, 0, 0, 0, 77, 1, 0)
    assert kc["ns-zero"] == EINVAL and kc["ns-short"] == EINVAL


def test_secctx_list(kc):
    assert kc["secctx-add"] == "ok" and kc["secctx-del"] == "ok"
    (entry,) = entries(kc["list-secctx_filter-one"], 280)
    secid, length, op = struct.unpack("<IIB", entry[:9])
    context = entry[24:]
    # no major LSM in the VM: the context maps to no secid (and never matches)
    assert (secid, length, op) == (0, 22, 1)
    assert context.rstrip(b"\0") == b"system_u:object_r:kc_t" and len(context) == 256
    for case in ("secctx-bad-len", "secctx-empty", "secctx-no-nul"):
        assert kc[case] == EINVAL, case


def ipv4(answer: str) -> list:
    result = []
    for entry in entries(answer, 24):
        ip, mask, port, op = struct.unpack("!4s4sHB", entry[:11])
        assert entry[11:] == bytes(13)
        result.append((".".join(map(str, ip)), ".".join(map(str, mask)), port, op))
    return result


def test_ipv4_lists(kc):
    for key in ("ipv4-add", "ipv4-add-record", "ipv4-egress-add", "ipv4-del-same-key",
                "ipv4-del-record", "ipv4-egress-del"):
        assert kc[key] == "ok", key
    # the address is stored masked; entries sorted by address
    assert ipv4(kc["list-ipv4_ingress-two"]) == [("10.1.0.0", "255.255.0.0", 80, 1),
                                                  ("192.168.1.0", "255.255.255.0", 443, 0x21)]
    assert ipv4(kc["list-ipv4_egress-one"]) == [("192.168.1.0", "255.255.255.0", 443, 0x21)]
    # deleting 10.1.9.9/16:80 removes 10.1.0.0/16:80 (same key once masked)
    assert ipv4(kc["list-ipv4_ingress-after-del"]) == [("192.168.1.0", "255.255.255.0", 443, 0x21)]
    assert kc["ipv4-bad-mask"] == EINVAL and kc["ipv4-opaque"] == EINVAL


# --- policy hash -------------------------------------------------------------------------

LIST_ORDER = ("uid", "gid", "ns", "secctx_filter", "ipv4_ingress", "ipv4_egress")
LIST_SIZES = {"uid": 16, "gid": 16, "ns": 40, "secctx_filter": 280, "ipv4_ingress": 24,
              "ipv4_egress": 24}


def canonical_hash(policy: str, lists: dict) -> str:
    """SHA-256 of the canonical policy form documented in docs/abi.md."""
    words = policy.split()
    booleans, filters = words[:6], words[6:]
    assert len(filters) == 10
    data = bytes(int(b) for b in booleans)
    data += b"".join(bytes.fromhex(f) for f in filters)
    for name in LIST_ORDER:
        raw = bytes.fromhex(lists.get(name, ""))
        items = [raw[i:i + LIST_SIZES[name]] for i in range(0, len(raw), LIST_SIZES[name])]
        data += struct.pack("<I", len(items))
        for item in items:
            if name == "secctx_filter":
                item = bytes(4) + item[4:]
            data += item
    return hashlib.sha256(data).hexdigest()


def test_policy_hash_is_the_documented_canonical_form(kc):
    lists = dict(item.split(":", 1) for item in kc["lists-a"].split())
    assert canonical_hash(kc["policy-empty"], {}) == kc["hash-empty"]
    assert canonical_hash(kc["policy-empty"], lists) == kc["hash-a"]
    assert all(len(bytes.fromhex(lists[name])) // LIST_SIZES[name] >= 1 for name in LIST_ORDER)


def test_policy_hash_ignores_order_and_follows_changes(kc):
    for key in ("order-a", "clear-a", "order-b", "clear-b"):
        assert set(kc[key].split()) == {"ok"}, f"{key}: {kc[key]}"
    assert kc["hash-a"] != kc["hash-empty"]
    assert kc["hash-cleared"] == kc["hash-empty"]
    assert kc["hash-b"] == kc["hash-a"], "same policy set in another order"
    assert kc["filter-add"] == "ok" and kc["filter-del"] == "ok"
    assert kc["hash-filter"] != kc["hash-b"]
    assert kc["hash-filter-removed"] == kc["hash-b"]
    assert kc["hash-end"] == kc["hash-empty"]


# --- effects in the recorded graph (all=0) --------------------------------------------------

def test_no_record_was_dropped(kc_run, kc):
    assert kc["all"] == "0"
    assert kc_run.text("dropped").strip() == "0"


def test_tracked_process_is_recorded_and_untracked_is_not(graph):
    track_in = graph.named("/tmp/kc/track-in")
    track_out = graph.named("/tmp/kc/track-out")
    assert track_in, "the tracked process's read is missing"
    assert track_out, "the tracked process's output is missing"
    assert any(r.type == "read" and r.sender in track_in for r in graph.relations)
    assert track_in & graph.ancestors(track_out)
    for name in ("/tmp/kc/untracked-in", "/tmp/kc/untracked-out"):
        assert not graph.named(name), f"{name} recorded with all=0"


def test_opaque_file_never_appears(kc_run, kc, graph):
    secret = state(kc["secret-state"])
    assert secret["flags"] == 2
    assert "/tmp/kc/secret" not in kc_run.text("audit.log")
    assert not graph.named("/tmp/kc/secret")
    same_inode = [n for n, a in graph.nodes.items()
                  if a.get("prov:type") == "file" and int(a.get("cf:id", 0)) == secret["id"]]
    assert not same_inode, "the opaque file's node was recorded"
    s_out = graph.named("/tmp/kc/s-out")
    assert s_out, "the tracked reader's output is missing"
    assert graph.named("/tmp/kc/visible") & graph.ancestors(s_out)


def test_taint_of_a_process_reaches_the_files_it_writes(kc, graph):
    assert state(kc["taint-out-state"])["taint"] & TAINT == TAINT
    assert state(kc["taint-down-state"])["taint"] & TAINT == TAINT
    for name in ("/tmp/kc/taint-out", "/tmp/kc/taint-down"):
        versions = graph.named(name)
        assert versions, f"{name} not recorded"
        taints = {int(graph.nodes[v].get("cf:taint", "0"), 16) for v in versions}
        assert any(t & TAINT == TAINT for t in taints), f"{name}: cf:taint {taints}"


def test_propagate_node_filter_stops_tracking_and_taint(kc, graph):
    assert kc["pf-add"] == "ok" and kc["pf-del"] == "ok"
    # tracked because the tracked writer opened it, but nothing propagated
    pf_out = state(kc["pf-out-state"])
    assert (pf_out["flags"], pf_out["taint"]) == (1, 0)
    versions = graph.named("/tmp/kc/pf-out")
    assert versions, "the tracked process's write is missing"
    assert all(int(graph.nodes[v].get("cf:taint", "0"), 16) == 0 for v in versions)


def test_tracked_user_is_recorded_and_root_is_not(kc, graph):
    assert kc["user-target"] == "ok" and kc["user-target-del"] == "ok"
    assert graph.named("/tmp/kc/user-in") and graph.named("/tmp/kc/user-out")
    assert not graph.named("/tmp/kcroot/root-in") and not graph.named("/tmp/kcroot/root-out")


def test_cgroup_namespace_target_tracks_its_tasks(kc, graph):
    assert kc["ns-target"] == "ok" and kc["ns-target-del"] == "ok"
    cgroupns = {a.get("cf:cgroupns") for a in graph.nodes.values() if a.get("prov:type") == "task"}
    assert INIT_CGROUP_NS in cgroupns, f"tasks are not in the namespace the test targets: {cgroupns}"
    assert graph.named("/tmp/kc/ns-in") and graph.named("/tmp/kc/ns-out")
