"""The real boot (make boot-test): a Debian 12 root file system built with
debootstrap, both packages installed with dpkg, booted under qemu with
systemd.  Checks that systemd starts camconfd and camflowd from boot, that
capture runs from boot (boot buffer replayed), that a file written after boot
has its lineage in the log, that `systemctl reload camflowd` after logrotate
keeps every record and that `systemctl stop camflowd` flushes everything."""
import json
import os
import re
import subprocess
from pathlib import Path

import pytest

from conftest import REPO, run

ROOTFS = REPO / "packaging" / "rootfs"


def properties(path):
    return dict(line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)


@pytest.fixture(scope="module")
def guest(tmp_path_factory):
    binary = Path(os.environ.get("CAMFLOW_BIN") or REPO / ".build/release/camflow")
    assert os.access(binary, os.X_OK), f"{binary}: no release binary (make release)"
    kernel = os.environ.get("CAMFLOW_BOOT_KERNEL") or subprocess.run(
        [REPO / "kernel-patch/scripts/build-kernel", "--extra-config", ROOTFS / "kernel.config"],
        check=True, capture_output=True, text=True).stdout.split()[-1]
    work = tmp_path_factory.mktemp("boot")
    debs = run([REPO / "packaging/debian/build-deb", "--bin", binary, "--kernel", kernel,
                "--out", work / "deb", "--no-lintian"])
    assert debs.returncode == 0, debs.stderr[-3000:]
    user_deb, kernel_deb = debs.stdout.split()
    boot = run([ROOTFS / "boot-test", "--kernel", kernel, "--deb", user_deb, "--deb", kernel_deb,
                "--out", work / "boot"])
    console = work / "boot" / "console.log"
    tail = console.read_text(errors="replace")[-4000:] if console.exists() else ""
    assert boot.returncode == 0, boot.stderr[-2000:] + tail
    result = Path(boot.stdout.split()[-1])
    return {"result": result, "binary": binary, "console": console}


def logs(guest):
    directory = guest["result"] / "log"
    rotated, current = directory / "audit.log.1", directory / "audit.log"
    assert rotated.is_file() and current.is_file(), sorted(os.listdir(directory))
    return rotated, current


def test_systemd_started_both_services_from_boot(guest):
    confd = properties(guest["result"] / "camconfd.txt")
    assert confd["ActiveState"] == "active" and confd["Result"] == "success", confd
    flowd = properties(guest["result"] / "camflowd-at-start.txt")
    assert flowd["ActiveState"] == "active" and flowd["SubState"] == "running", flowd
    assert flowd["NRestarts"] == "0", flowd


def test_capture_runs_from_boot(guest):
    rotated, _ = logs(guest)
    first = rotated.read_text()
    # Records dated before camconfd started (so before the relay existed):
    # only the boot buffer can have kept them; init's program among them.
    assert '"/usr/lib/systemd/systemd"' in first
    relay_configured = (guest["result"] / "camconfd-start.txt").read_text().strip()
    assert re.fullmatch(r"\d{4}:\d\d:\d\dT\d\d:\d\d:\d\d", relay_configured), relay_configured
    dates = sorted(set(re.findall(r'"cf:date":"([^"]+)"', first)))
    assert dates and dates[0] < relay_configured, (dates[:3], relay_configured)


def test_every_line_is_a_document_and_none_is_lost_across_reload(guest):
    rotated, current = logs(guest)
    for log in (rotated, current):
        for number, line in enumerate(log.read_text().splitlines(), 1):
            json.loads(line), f"{log}:{number}"
    after = properties(guest["result"] / "camflowd-after-reload.txt")
    start = properties(guest["result"] / "camflowd-at-start.txt")
    assert after["MainPID"] == start["MainPID"] and after["NRestarts"] == "0", after
    assert "logrotate exit 0" in (guest["result"] / "logrotate.txt").read_text()
    assert "/root/after-rotate.txt" in current.read_text()
    summary = run([guest["binary"], "inspect", rotated, current])
    assert summary.returncode == 0, summary.stdout[-2000:] + summary.stderr[-2000:]


def test_lineage_of_a_file_written_after_boot(guest):
    rotated, current = logs(guest)
    lineage = run([guest["binary"], "inspect", "--ancestors", "/root/derived.txt",
                   rotated, current])
    assert lineage.returncode == 0, lineage.stderr
    assert "/root/after-boot.txt" in lineage.stdout, lineage.stdout[-3000:]


def test_stop_flushes_everything(guest):
    stopped = properties(guest["result"] / "camflowd-after-stop.txt")
    assert stopped["ActiveState"] == "inactive" and stopped["Result"] == "success", stopped
    assert stopped["ExecMainStatus"] == "0", stopped
    _, current = logs(guest)
    assert "/root/before-stop.txt" in current.read_text()


def test_kernel_clean(guest):
    dmesg = (guest["result"] / "dmesg.txt").read_text(errors="replace")
    for marker in ("WARNING:", "BUG:", "possible recursive locking", "Oops"):
        assert marker not in dmesg, marker


def test_boot_buffer_held_the_whole_boot(guest):
    """The boot buffer kept every record made before camconfd wrote
    relay_conf and replayed them all: nothing dropped up to the replay's
    end (kernel: "boot buffer replayed: N records (B bytes), 0 lost")."""
    dmesg = (guest["result"] / "dmesg.txt").read_text(errors="replace")
    replayed = re.search(r"boot buffer replayed: (\d+) records \(\d+ bytes\), (\d+) lost", dmesg)
    assert replayed, "no 'boot buffer replayed' line in the guest's dmesg"
    assert int(replayed.group(1)) > 0 and int(replayed.group(2)) == 0, replayed.group(0)
    counters = properties(guest["result"] / "counters.txt")
    assert counters["dropped_after_replay"] == "0", counters
    assert counters["dropped_at_end"] == "0", counters
