"""Shared helpers of the packaging tests (make install, units, man pages, .deb)."""
import os
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
INSTALL = REPO / "packaging" / "install"


def camflow_binary():
    """The binary to install: $CAMFLOW_BIN, else the debug or release build."""
    candidates = [os.environ.get("CAMFLOW_BIN", "")]
    candidates += [str(REPO / ".build" / "debug" / "camflow"),
                   str(REPO / ".build" / "release" / "camflow")]
    for candidate in candidates:
        if candidate and os.access(candidate, os.X_OK):
            return Path(candidate)
    raise AssertionError("no camflow binary: run `swift build` or set CAMFLOW_BIN")


def run(args, **kwargs):
    """Run a command, capturing text output; never raises on failure."""
    kwargs.setdefault("text", True)
    return subprocess.run([str(a) for a in args], capture_output=True, **kwargs)


def require_tool(name):
    """A missing tool fails the test (a skip would hide an untested target)."""
    path = shutil.which(name)
    assert path, f"{name} is not installed (packaging/install-deps installs it)"
    return path


@pytest.fixture
def binary():
    return camflow_binary()


@pytest.fixture
def destdir(tmp_path):
    return tmp_path / "root"
