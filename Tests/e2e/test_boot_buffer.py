"""The boot buffer holds what happens before relay_conf (issue 10 §4).

packaging/stress/boot-setup.sh runs 700 operations of prov-stress (about
100,000 records, 17 MB; at most 50 s) as the harness's setup script, before
camconfd writes relay_conf: every record of it waits in the kernel's boot
buffer.  packaging/stress/boot-camflow.ini gives relay 1 MiB per CPU and
channel, so the replay into one CPU's buffers has to wait for camflowd to
read, many times over.  Two boots: the default bound keeps everything; a
256 KiB bound (provenance.boot_buffer=256K) loses records and counts each.

Two more boots load the system while the backlog is replayed, on one vCPU:
a 12 MiB bound, 300 operations before relay_conf (more than the relay
buffers hold, so the replay waits for camflowd), and once camflowd reads,
camflowd at nice 19 and prov-bench's pipe and UNIX round trips, which
leave it almost no CPU unless they wait (boot-setup.sh LATE_SCALE).  The
writers wait while the backlog is more than half its bound: nothing is
lost.  With provenance.relay_wait_ms=0 (never wait) the same load
overflows the bound.
"""
import os
import re
import subprocess

import pytest

from conftest import TOP

STRESS = TOP / "packaging" / "stress"
REPLAYED = re.compile(
    r"boot buffer replayed: (\d+) records \((\d+) bytes\), (\d+) lost \(bound (\d+) bytes\)")
RELAY_BYTES = 8 * 128 << 10  # boot-camflow.ini: per CPU and channel


@pytest.fixture(scope="module")
def prov_stress(compile_static):
    return compile_static(STRESS / "prov-stress.c", "-Wextra")


@pytest.fixture(scope="module")
def prov_bench(compile_static):
    return compile_static(TOP / "packaging" / "bench-kernel" / "prov-bench.c", "-Wextra",
                          "-I", str(TOP / "kernel-patch" / "include" / "uapi"))


def boot(tmp_path_factory, prov_stress, name, append="", params="OPS=700\nWORKERS=4\n", options=()):
    out = tmp_path_factory.mktemp(name)
    extra = tmp_path_factory.mktemp(name + "-extra")
    (extra / "params").write_text(params)
    command = [str(TOP / "packaging" / "vm" / "run"), "--script", str(STRESS / "boot-guest.sh"),
               "--setup-script", str(STRESS / "boot-setup.sh"), "--add", str(extra),
               "--bin", str(prov_stress), "--out", str(out), "--timeout", "600",
               "--camflow-ini", str(STRESS / "boot-camflow.ini")]
    if append:
        command += ["--append", append]
    command += list(options)
    if os.environ.get("CAMFLOW_KERNEL"):
        command += ["--kernel", os.environ["CAMFLOW_KERNEL"]]
    if os.environ.get("CAMFLOW_BIN"):
        command += ["--camflow", os.environ["CAMFLOW_BIN"]]
    result = subprocess.run(command, capture_output=True, text=True, timeout=1200)
    text = (out / "boot-buffer.txt").read_text() if (out / "boot-buffer.txt").exists() else ""
    match = REPLAYED.search(text)
    counters = dict(line.split() for line in text.splitlines() if len(line.split()) == 2)
    explain = (f"vm/run exited {result.returncode}\n{result.stderr[-3000:]}\n{text}\n"
               + ((out / "console.log").read_text(errors="replace")[-3000:]
                  if (out / "console.log").exists() else ""))
    return {"rc": result.returncode, "match": match, "counters": counters, "out": out,
            "explain": explain}


@pytest.fixture(scope="module")
def default_bound(tmp_path_factory, prov_stress):
    return boot(tmp_path_factory, prov_stress, "boot-buffer-default")


@pytest.fixture(scope="module")
def small_bound(tmp_path_factory, prov_stress):
    return boot(tmp_path_factory, prov_stress, "boot-buffer-small", "provenance.boot_buffer=256K")


LATE = "OPS=300\nLATE_SCALE=2\nWORKERS=4\n"
LATE_BOUND = "provenance.boot_buffer=12M"


@pytest.fixture(scope="module")
def late_waiting(tmp_path_factory, prov_stress, prov_bench):
    return boot(tmp_path_factory, prov_stress, "boot-buffer-late", LATE_BOUND, LATE,
                ["--bin", str(prov_bench), "--smp", "1"])


@pytest.fixture(scope="module")
def late_not_waiting(tmp_path_factory, prov_stress, prov_bench):
    return boot(tmp_path_factory, prov_stress, "boot-buffer-late-nowait",
                LATE_BOUND + " provenance.relay_wait_ms=0", LATE,
                ["--bin", str(prov_bench), "--smp", "1"])


def test_default_bound_keeps_a_busy_boot(default_bound):
    run = default_bound
    assert run["rc"] == 0, run["explain"]
    assert run["match"], run["explain"]
    records, size, lost, bound = (int(g) for g in run["match"].groups())
    assert records > 0 and lost == 0, run["explain"]
    # Far more than one CPU's relay buffers hold: the replay waited for the
    # reader instead of dropping.
    assert size > 4 * RELAY_BYTES, run["explain"]
    assert bound == 64 << 20, run["explain"]
    assert run["counters"]["dropped"] == "0", run["explain"]
    # The replayed records reached the log: files of the setup workload.
    log = (run["out"] / "audit.log").read_text(errors="replace")
    assert "boot-stress" in log


def test_small_bound_counts_every_lost_record(small_bound):
    run = small_bound
    assert run["match"], run["explain"]
    records, size, lost, bound = (int(g) for g in run["match"].groups())
    assert bound == 256 << 10, run["explain"]
    assert records > 0 and lost > 0, run["explain"]
    # Every record the boot buffer could not hold is in the drop counter.
    assert int(run["counters"]["dropped"]) >= lost, run["explain"]


def late_run(run):
    """The replay's figures of a LATE boot, after checking that the late
    load ran, and started while the backlog was still being replayed."""
    assert run["match"], run["explain"]
    assert run["counters"].get("late_status") == "0", run["explain"]
    start = run["out"] / "late-start.txt"
    assert start.exists() and start.read_text().strip() == "during", run["explain"]
    records, _, lost, bound = (int(g) for g in run["match"].groups())
    assert bound == 12 << 20, run["explain"]
    return records, lost


def test_writers_wait_for_the_replay_and_lose_nothing(late_waiting):
    run = late_waiting
    assert run["rc"] == 0, run["explain"]
    records, lost = late_run(run)
    assert records > 0 and lost == 0, run["explain"]
    assert run["counters"]["dropped"] == "0", run["explain"]
    log = (run["out"] / "audit.log").read_text(errors="replace")
    assert "late-stress" in log and "boot-stress" in log
    bench = (run["out"] / "late-stress.txt").read_text()
    assert bench.startswith("pipe ") and "\nunix " in bench, run["explain"]


def test_without_waiting_the_same_load_overflows_the_backlog(late_not_waiting):
    records, lost = late_run(late_not_waiting)
    assert lost > 0, late_not_waiting["explain"]
    assert int(late_not_waiting["counters"]["dropped"]) >= lost, late_not_waiting["explain"]
