"""make deb: the userspace and kernel packages built with the Debian tools,
their contents (dpkg-deb -c), control data and a lintian run."""
import os
import subprocess
from pathlib import Path

import pytest

from conftest import REPO, require_tool, run

BUILD_DEB = REPO / "packaging" / "debian" / "build-deb"


def release_binary():
    """$CAMFLOW_BIN, else the static release build (make release)."""
    path = Path(os.environ.get("CAMFLOW_BIN") or REPO / ".build/release/camflow")
    assert os.access(path, os.X_OK), f"{path}: no release binary (make release)"
    return path


def kernel_image():
    """$CAMFLOW_KERNEL, else the (cached) build of kernel-patch/ for 6.1."""
    path = os.environ.get("CAMFLOW_KERNEL")
    if not path:
        path = subprocess.run([REPO / "kernel-patch/scripts/build-kernel"], check=True,
                              capture_output=True, text=True).stdout.strip().splitlines()[-1]
    assert Path(path).is_file(), path
    return Path(path)


@pytest.fixture(scope="module")
def debs(tmp_path_factory):
    for tool in ("dpkg-deb", "dpkg-buildpackage", "lintian"):
        require_tool(tool)
    out = tmp_path_factory.mktemp("deb")
    kernel = kernel_image()
    result = run([BUILD_DEB, "--bin", release_binary(), "--kernel", kernel, "--out", out])
    assert result.returncode == 0, result.stderr[-3000:]
    paths = [Path(line) for line in result.stdout.split()]
    assert len(paths) == 2, result.stdout
    return {"user": paths[0], "kernel": paths[1], "image": kernel}


def contents(deb):
    listing = run(["dpkg-deb", "-c", deb])
    assert listing.returncode == 0, listing.stderr
    return {line.split()[5].lstrip("."): line for line in listing.stdout.splitlines()}


def field(deb, name):
    return run(["dpkg-deb", "-f", deb, name]).stdout.strip()


def test_userspace_package_contents(debs):
    files = contents(debs["user"])
    for path in ("/usr/bin/camflow", "/lib/systemd/system/camflowd.service",
                 "/lib/systemd/system/camconfd.service", "/etc/camflow.ini",
                 "/etc/camflowd.ini", "/etc/logrotate.d/camflow",
                 "/usr/share/man/man8/camflow.8.gz", "/usr/share/man/man5/camflow.ini.5.gz",
                 "/usr/share/man/man5/camflowd.ini.5.gz", "/usr/share/doc/camflow/copyright"):
        assert path in files, path
    assert files["/usr/bin/camflowd"].endswith("-> camflow")
    assert files["/usr/bin/camconfd"].endswith("-> camflow")
    assert files["/etc/camflowd.ini"].startswith("-rw-------")
    assert "-> camflow-record.8.gz" in files["/usr/share/man/man8/camflowd.8.gz"]


def test_userspace_package_control(debs, tmp_path):
    depends = field(debs["user"], "Depends")
    for library in ("libinih1", "libpaho-mqtt1.3", "libc6"):
        assert library in depends, depends
    assert field(debs["user"], "Package") == "camflow"
    control = tmp_path / "control"
    assert run(["dpkg-deb", "-e", debs["user"], control]).returncode == 0
    assert (control / "conffiles").read_text().split() == \
        ["/etc/camflow.ini", "/etc/camflowd.ini", "/etc/logrotate.d/camflow"]
    postinst = (control / "postinst").read_text()
    assert "camflowd.service" in postinst and "camconfd.service" in postinst


def test_kernel_package(debs):
    files = contents(debs["kernel"])
    name = field(debs["kernel"], "Package")
    # The release the kernel image itself declares (6.1.x or 6.12.x).
    version = run(["file", "-b", debs["image"]]).stdout.split("version ")[1].split()[0]
    assert version.startswith(("6.1.", "6.12.")), version
    assert name == f"linux-image-{version}-camflow", name
    release = name[len("linux-image-"):]
    for path in (f"/boot/vmlinuz-{release}", f"/boot/config-{release}",
                 f"/boot/System.map-{release}"):
        assert path in files, path
    extracted = run(["dpkg-deb", "--fsys-tarfile", debs["kernel"]], text=False)
    assert extracted.returncode == 0
    config = run(["tar", "-xOf", "-", f"./boot/config-{release}"], input=extracted.stdout,
                 text=False).stdout.decode()
    assert "CONFIG_SECURITY_PROVENANCE=y" in config


def test_lintian_clean_apart_from_documented_overrides(debs):
    result = run(["lintian", "--fail-on", "error,warning", debs["user"], debs["kernel"]])
    assert result.returncode == 0, result.stdout + result.stderr
    tags = [line for line in result.stdout.splitlines() if line[:2] in ("E:", "W:")]
    assert tags == []
    # Every override carries its reason: a comment above it (a group of
    # overrides may share one comment; a blank line ends the group).
    overrides_files = list(REPO.glob("packaging/debian/*/*lintian-overrides*"))
    assert overrides_files
    for overrides in overrides_files:
        reason = False
        for number, line in enumerate(overrides.read_text().splitlines(), 1):
            if line.startswith("#"):
                reason = True
            elif not line.strip():
                reason = False
            else:
                assert reason, f"{overrides}:{number}: override without a reason"


def test_bad_arguments_are_named(tmp_path):
    result = run([BUILD_DEB, "--bin", tmp_path / "missing", "--kernel", tmp_path / "bz"])
    assert result.returncode != 0 and "--bin" in result.stderr and "missing" in result.stderr
    result = run([BUILD_DEB, "--bin", release_binary(), "--kernel", tmp_path / "bz"])
    assert result.returncode != 0 and "--kernel" in result.stderr
    debug = REPO / ".build/debug/camflow"
    if debug.exists():  # a dynamically linked build is refused by name
        result = run([BUILD_DEB, "--bin", debug, "--kernel", kernel_image()])
        assert result.returncode != 0 and "dynamically" in result.stderr
