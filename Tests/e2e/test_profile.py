"""The kernel profiler (packaging/bench-kernel/profile.py, docs/performance.md).

It boots the provenance kernel with qemu's gdb server (vm/run --gdb), repeats
one prov-bench operation and samples the guest's instruction pointers.  Under
whole-system capture a stat loop spends part of its time in the provenance
hooks: the profile must name them, and must not name them when the same loop
runs with the LSM not loaded (lsm=capability).
"""
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

TOP = Path(__file__).resolve().parents[2]
PROFILE = TOP / "packaging" / "bench-kernel" / "profile.py"


def profile(mode: str) -> dict:
    kernel = os.environ.get("CAMFLOW_KERNEL")
    camflow = os.environ.get("CAMFLOW_BIN")
    if not kernel or not camflow:
        pytest.fail("CAMFLOW_KERNEL and CAMFLOW_BIN must be set (make e2e sets them)")
    result = subprocess.run([sys.executable, str(PROFILE), "--kernel", kernel, "--camflow", camflow,
                             "--mode", mode, "--op", "stat", "--seconds", "4", "--top", "0"],
                            capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stdout + result.stderr
    head, *rows = result.stdout.splitlines()
    match = re.match(r"(\d+) samples, (\d+) idle, (\d+) user", head)
    assert match, head
    assert int(match.group(1)) - int(match.group(2)) > 100, head
    functions = {}
    for row in rows:
        share, count, name = row.split()
        functions[name] = int(count)
    return functions


def test_profile_names_the_hooks_under_whole_system_capture():
    whole = profile("whole")
    hooks = {name: count for name, count in whole.items() if name.startswith("prov_")}
    assert "prov_inode_permission" in hooks, sorted(whole, key=whole.get)[-30:]
    assert sum(hooks.values()) > 20, hooks
    # the stat path itself is there too
    assert any(name in whole for name in ("vfs_statx", "filename_lookup", "link_path_walk")), whole


def test_profile_without_the_module_has_no_hooks():
    baseline = profile("baseline")
    assert not [name for name in baseline if name.startswith("prov_")], baseline
