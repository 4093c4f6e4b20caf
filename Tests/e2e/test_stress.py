"""A short `make stress` (packaging/stress/stress.py) on the VM kernel.

One boot: 12 processes doing file, pipe, UNIX socketpair, loopback TCP,
fork/exec, SysV and POSIX IPC, shared-mapping and signal work for 60 s on 2 vCPUs, under whole-system capture with camflowd
writing W3C to the log disk.  Nothing may be dropped (kernel or recorder),
the recorder must read every record the kernel sent during the workload, and
the kernel (lockdep, DEBUG_ATOMIC_SLEEP) must report nothing.
"""
import json
import os
import subprocess
import sys

import pytest

from conftest import TOP

SECONDS = 60


@pytest.fixture(scope="module")
def stress(tmp_path_factory):
    work = tmp_path_factory.mktemp("stress")
    command = [sys.executable, str(TOP / "packaging" / "stress" / "stress.py"),
               "--seconds", str(SECONDS), "--config", "vm", "--work", str(work)]
    if os.environ.get("CAMFLOW_KERNEL"):
        command += ["--kernel", os.environ["CAMFLOW_KERNEL"]]
    command += ["--camflow", os.environ.get("CAMFLOW_BIN") or str(TOP / ".build/release/camflow")]
    result = subprocess.run(command, capture_output=True, text=True, timeout=SECONDS + 1500)
    summary_path = work / "stress.json"
    assert summary_path.exists(), f"stress.py wrote no report\n{result.stdout}\n{result.stderr}"
    summary = json.loads(summary_path.read_text())
    summary["returncode"] = result.returncode
    summary["output"] = result.stdout + result.stderr
    return summary


def test_every_kind_of_operation_ran(stress):
    ops = stress["ops"]
    for kind in ("file", "pipe", "unix", "tcp", "exec", "ipc", "map", "kill"):
        assert ops.get(kind, 0) > 0, (kind, stress["output"])
    assert ops.get("failed") == 0, stress["output"]


def test_the_kernel_sent_records_and_dropped_none(stress):
    counters = stress["counters"]
    assert counters["sent_end"] - counters["sent_start"] > stress["ops"]["total"], stress["output"]
    assert counters["dropped_final"] == 0, stress["output"]


def test_the_recorder_read_and_wrote_everything(stress):
    recorder = stress["recorder"]
    assert recorder is not None, stress["output"]
    assert recorder["read"] >= stress["counters"]["sent_end"], stress["output"]
    assert recorder["written"] == recorder["read"], stress["output"]
    assert recorder["dropped_by_output"] == 0, stress["output"]
    assert stress["counters"]["log_bytes"] > 0


def test_the_kernel_reported_nothing(stress):
    assert stress["kernel_reports"] == [], stress["kernel_reports"]


def test_the_driver_passed(stress):
    assert stress["returncode"] == 0 and stress["problems"] == [], stress["output"]
