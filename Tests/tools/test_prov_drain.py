"""prov-drain (the discarding relay reader of `make bench-kernel`'s kernel-only
mode) reads every relay file of every CPU to its end, and refuses a
directory without relay files."""
import signal
import subprocess
import time
from pathlib import Path

import pytest

TOP = Path(__file__).resolve().parents[2]
SOURCE = TOP / "packaging" / "bench-kernel" / "prov-drain.c"


@pytest.fixture(scope="module")
def drain(tmp_path_factory) -> Path:
    binary = tmp_path_factory.mktemp("drain") / "prov-drain"
    subprocess.run(["gcc", "-O2", "-Wall", "-Wextra", "-Werror", "-pthread", "-o", str(binary),
                    str(SOURCE)], check=True)
    return binary


def test_reads_every_file_of_every_cpu(drain, tmp_path):
    sizes = {"provenance0": 100_000, "long_provenance0": 24, "provenance1": 3_000_000}
    for name, size in sizes.items():
        (tmp_path / name).write_bytes(b"\x01" * size)
    process = subprocess.Popen([str(drain), str(tmp_path)], stderr=subprocess.PIPE, text=True)
    time.sleep(0.5)
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=10)
    assert process.returncode == 0, stderr
    assert f"prov-drain: {sum(sizes.values())} bytes from 2 CPUs" in stderr, stderr


def test_refuses_a_directory_without_relay_files(drain, tmp_path):
    (tmp_path / "provenance").write_bytes(b"x")  # no CPU number
    result = subprocess.run([str(drain), str(tmp_path)], capture_output=True, text=True, timeout=10)
    assert result.returncode == 1
    assert f"no provenance<cpu> file under {tmp_path}" in result.stderr
