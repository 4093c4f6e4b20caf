"""packaging/vm/run refuses bad options with one clear error before booting."""
import subprocess
from pathlib import Path

import pytest

TOP = Path(__file__).resolve().parents[2]
RUN = TOP / "packaging" / "vm" / "run"


def run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    script = tmp_path / "w.sh"
    script.write_text("exit 0\n")
    return subprocess.run([str(RUN), "--script", str(script), "--out", str(tmp_path / "out"), *args],
                          capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("port", ["abc", "0", "65536", "-1", ""])
def test_gdb_needs_a_port(tmp_path, port):
    result = run(tmp_path, "--gdb", port)
    assert result.returncode != 0
    assert "--gdb" in result.stderr, result.stderr
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_gdb_is_for_one_guest(tmp_path):
    peer = tmp_path / "p.sh"
    peer.write_text("exit 0\n")
    result = run(tmp_path, "--gdb", "1234", "--peer-script", str(peer))
    assert result.returncode != 0
    assert "--gdb is for one guest" in result.stderr, result.stderr


@pytest.mark.parametrize("shift", ["abc", "10", "-1", "", "1.5"])
def test_icount_needs_a_shift(tmp_path, shift):
    result = run(tmp_path, "--smp", "1", "--icount", shift)
    assert result.returncode != 0
    assert "--icount" in result.stderr, result.stderr
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_icount_needs_one_cpu(tmp_path):
    result = run(tmp_path, "--icount", "0")
    assert result.returncode != 0
    assert "--icount needs --smp 1" in result.stderr, result.stderr
