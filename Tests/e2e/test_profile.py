"""The kernel profiler (packaging/bench-kernel/profile.py, docs/performance.md).

It boots the provenance kernel with qemu's gdb server (vm/run --gdb), repeats
one prov-bench operation and samples the guest's instruction pointers.  Under
whole-system capture a stat loop spends part of its time in the provenance
hooks: the profile must name them, and must not name them when the same loop
runs with the LSM not loaded (lsm=capability).  With --mode kernel (prov-drain
reading the relay files in place of the recorder, vm/run --no-recorder) the
hooks are named as well, and a loop that records (pipe round trips) spends
time in the relay write path of the module; asked for the callers of
the relay write (--callers, a scan of the guest's stack at each sample), it
names functions of the module.
"""
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

TOP = Path(__file__).resolve().parents[2]
PROFILE = TOP / "packaging" / "bench-kernel" / "profile.py"
# relay.c's path from a record to the relay buffer (prov_stamp is inlined
# in the 6.1 build), and relay's sub-buffer switch
RELAY_WRITE = ("prov_emit", "prov_emit_tail", "prov_emit_linked", "prov_stamp", "prov_tighten",
               "prov_tighten_id", "prov_relay_out_cpu", "prov_relay_out_tail",
               "relay_switch_subbuf")
# the function that copies every live record into a relay buffer, or the
# one it is inlined into (whichever the kernel's System.map has)
RELAY_COPY = ("prov_relay_out_tail", "prov_emit_tail")


def relay_copy_function(kernel: str) -> str:
    """The first of RELAY_COPY that is a function of KERNEL's System.map."""
    system_map = Path(kernel).with_name("System.map")
    names = {line.split()[2] for line in system_map.read_text().splitlines()
             if len(line.split()) == 3 and line.split()[1] in "tT"}
    found = [name for name in RELAY_COPY if name in names]
    assert found, f"none of {RELAY_COPY} in {system_map}"
    return found[0]


def profile(mode: str, op: str = "stat", seconds: int = 4, callers: str = "") -> dict:
    """Run profile.py with every function printed: function -> samples.
    Asserts that it succeeded and that the guest was busy (over 100
    samples out of the idle loop).  With CALLERS, the caller chains it
    printed for that function are under the key "callers" (chain ->
    samples)."""
    kernel = os.environ.get("CAMFLOW_KERNEL")
    camflow = os.environ.get("CAMFLOW_BIN")
    if not kernel or not camflow:
        pytest.fail("CAMFLOW_KERNEL and CAMFLOW_BIN must be set (make e2e sets them)")
    result = subprocess.run([sys.executable, str(PROFILE), "--kernel", kernel, "--camflow", camflow,
                             "--mode", mode, "--op", op, "--seconds", str(seconds), "--top", "0"]
                            + (["--callers", callers] if callers else []),
                            capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stdout + result.stderr
    head, *rows = result.stdout.splitlines()
    match = re.match(r"(\d+) samples, (\d+) idle, (\d+) user", head)
    assert match, head
    assert int(match.group(1)) - int(match.group(2)) > 100, head
    functions, chains = {}, {}
    for row in rows:
        if chains or row.startswith("callers of "):
            if not row.startswith("callers of "):
                count, chain = row.split(maxsplit=1)
                chains[chain] = int(count)
            else:
                chains = {"": 0}  # the section started
            continue
        share, count, name = row.split()
        functions[name] = int(count)
    if callers:
        assert "" in chains, f"no callers section for {callers}:\n{result.stdout}"
        del chains[""]
        functions["callers"] = chains
    return functions


def assert_names_the_hooks(functions: dict) -> None:
    """A stat loop's profile names the hook of the path walk and spends over
    20 samples in functions of the module (prov_*)."""
    hooks = {name: count for name, count in functions.items() if name.startswith("prov_")}
    assert "prov_inode_permission" in hooks, sorted(functions, key=functions.get)[-30:]
    assert sum(hooks.values()) > 20, hooks


def test_profile_names_the_hooks_under_whole_system_capture():
    whole = profile("whole")
    assert_names_the_hooks(whole)
    # the stat path itself is there too
    assert any(name in whole for name in ("vfs_statx", "filename_lookup", "link_path_walk")), whole


def test_profile_without_the_module_has_no_hooks():
    baseline = profile("baseline")
    assert not [name for name in baseline if name.startswith("prov_")], baseline


def test_profile_of_the_kernel_alone_names_the_hooks_and_the_relay_writes():
    """--mode kernel: the stat loop spends time in the hooks as under
    whole-system capture; stat records almost nothing (the graph economy), so
    a pipe loop, about 8 records a round trip, must show the relay write
    path (without whole-system capture on, it is not there), and little user
    space (with the recorder running, it is more)."""
    assert_names_the_hooks(profile("kernel"))
    copy = relay_copy_function(os.environ.get("CAMFLOW_KERNEL", ""))
    pipe = profile("kernel", "pipe", seconds=10, callers=copy)
    chains = pipe.pop("callers")
    writes = {name: pipe[name] for name in RELAY_WRITE if name in pipe}
    module = {name: count for name, count in pipe.items() if name.startswith("prov_")}
    assert sum(writes.values()) >= 5, f"relay writes {writes}, the module's functions {module}"
    # no recorder: user space (prov-bench, prov-drain) stays under 3 % of the
    # busy samples; camflowd converting the records takes 7-9 % (--mode whole)
    user, busy = pipe.get("[user]", 0), sum(pipe.values())
    assert user < 0.03 * busy, f"{user} of {busy} samples in user space"
    # --callers: every sample in the relay write has a caller chain, and
    # only the module writes records (prov_emit), so the nearest caller the
    # stack scan finds is one of its functions (a stale word may mislead a
    # few samples)
    samples = pipe.get(copy, 0)
    assert sum(chains.values()) == samples > 0, (chains, samples)
    from_module = sum(n for chain, n in chains.items() if chain.startswith("prov_"))
    assert from_module >= 0.8 * sum(chains.values()), chains
