"""The boot buffer holds what happens before relay_conf (issue 10 §4).

packaging/stress/boot-setup.sh runs 700 operations of prov-stress (about
100,000 records, 17 MB; at most 50 s) as the harness's setup script, before
camconfd writes relay_conf: every record of it waits in the kernel's boot
buffer.  packaging/stress/boot-camflow.ini gives relay 1 MiB per CPU and
channel, so the replay into one CPU's buffers has to wait for camflowd to
read, many times over.  Two boots: the default bound keeps everything; a
256 KiB bound (provenance.boot_buffer=256K) loses records and counts each.
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


def boot(tmp_path_factory, prov_stress, name, append=""):
    out = tmp_path_factory.mktemp(name)
    extra = tmp_path_factory.mktemp(name + "-extra")
    (extra / "params").write_text("OPS=700\nWORKERS=4\n")
    command = [str(TOP / "packaging" / "vm" / "run"), "--script", str(STRESS / "boot-guest.sh"),
               "--setup-script", str(STRESS / "boot-setup.sh"), "--add", str(extra),
               "--bin", str(prov_stress), "--out", str(out), "--timeout", "600",
               "--camflow-ini", str(STRESS / "boot-camflow.ini")]
    if append:
        command += ["--append", append]
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
