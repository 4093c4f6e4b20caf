"""Fixtures of the VM end-to-end suite: boot the provenance kernel with a workload.

CAMFLOW_KERNEL and CAMFLOW_BIN (set by `make e2e`) point at the kernel image and
the release camflow binary; without them packaging/vm/run builds both.
"""
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

TOP = Path(__file__).resolve().parents[2]
WORKLOADS = Path(__file__).resolve().parent / "workloads"
sys.path.insert(0, str(TOP / "packaging" / "vm"))


@dataclass
class VMRun:
    """Outcome of one packaging/vm/run invocation."""
    returncode: int
    out: Path
    stderr: str

    def text(self, name: str) -> str:
        path = self.out / name
        return path.read_text(errors="replace") if path.exists() else ""

    def explain(self) -> str:
        return (f"vm/run exited {self.returncode}\n--- stderr\n{self.stderr}"
                f"\n--- workload.stderr\n{self.text('workload.stderr')}"
                f"\n--- camconfd.log\n{self.text('camconfd.log')}"
                f"\n--- camflowd.log\n{self.text('camflowd.log')}"
                f"\n--- console.log (tail)\n{self.text('console.log')[-3000:]}")


@pytest.fixture(scope="session")
def compile_static(tmp_path_factory):
    """Return a function compiling a C program statically for the guest:
    compile_static(source, *extra_gcc_flags) -> the binary's path (named
    after the source)."""
    def compile_one(source: Path, *flags: str) -> Path:
        source = Path(source)
        binary = tmp_path_factory.mktemp(source.stem) / source.stem
        subprocess.run(["gcc", "-static", "-O2", "-Wall", "-Werror", *flags, "-o", str(binary),
                        str(source)], check=True)
        return binary
    return compile_one


@pytest.fixture(scope="session")
def run_vm(tmp_path_factory):
    """Return a function booting the VM: run_vm(workload_name, *extra_args)."""
    def run(workload: str, *extra: str, timeout: int = 300) -> VMRun:
        out = tmp_path_factory.mktemp(Path(workload).stem)
        command = [str(TOP / "packaging" / "vm" / "run"), "--script", str(WORKLOADS / workload),
                   "--out", str(out), "--timeout", str(timeout), *extra]
        if os.environ.get("CAMFLOW_KERNEL"):
            command += ["--kernel", os.environ["CAMFLOW_KERNEL"]]
        if os.environ.get("CAMFLOW_BIN"):
            command += ["--camflow", os.environ["CAMFLOW_BIN"]]
        result = subprocess.run(command, capture_output=True, text=True, timeout=timeout + 600)
        return VMRun(result.returncode, out, result.stderr)
    return run
