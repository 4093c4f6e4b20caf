"""make install / make uninstall into a DESTDIR: layout, links, defaults that
are never overwritten, systemd units verified, man pages rendered."""
import os
import stat
from pathlib import Path

from conftest import INSTALL, REPO, require_tool, run

UNITS = ("camconfd.service", "camflowd.service")
PAGES = ("man8/camflow.8", "man8/camflow-record.8", "man8/camflow-configure.8",
         "man8/camflow-ctl.8", "man8/camflow-inspect.8", "man8/camflowd.8",
         "man8/camconfd.8", "man5/camflow.ini.5", "man5/camflowd.ini.5")


def install(binary, destdir, *extra):
    result = run([INSTALL, "--bin", binary, "--destdir", destdir, *extra])
    assert result.returncode == 0, result.stderr
    return result


def test_layout_links_modes(binary, destdir):
    install(binary, destdir)
    bindir = destdir / "usr" / "bin"
    assert (bindir / "camflow").read_bytes() == binary.read_bytes()
    assert os.stat(bindir / "camflow").st_mode & 0o777 == 0o755
    for link in ("camflowd", "camconfd"):
        assert os.readlink(bindir / link) == "camflow"
    for unit in UNITS:
        assert (destdir / "usr/lib/systemd/system" / unit).is_file()
    assert stat.S_IMODE(os.stat(destdir / "etc/camflowd.ini").st_mode) == 0o600
    assert (destdir / "etc/camflow.ini").read_text() == \
        (REPO / "packaging/etc/camflow.ini").read_text()
    assert "/var/log/camflow/audit.log" in (destdir / "etc/logrotate.d/camflow").read_text()
    for page in PAGES:
        assert (destdir / "usr/share/man" / page).is_file(), page


def test_links_dispatch_to_the_subcommands(binary, destdir):
    install(binary, destdir)
    camflowd = run([destdir / "usr/bin/camflowd", "--help"])
    assert camflowd.returncode == 0 and "--relay-root" in camflowd.stdout
    camconfd = run([destdir / "usr/bin/camconfd", "--help"])
    assert camconfd.returncode == 0 and "--apply" in camconfd.stdout


def test_make_honours_prefix_and_destdir(binary, destdir):
    result = run(["make", "-C", REPO, "install", f"DESTDIR={destdir}",
                  "PREFIX=/usr/local", f"CAMFLOW_BIN={binary}"])
    assert result.returncode == 0, result.stderr
    assert (destdir / "usr/local/bin/camflow").is_file()
    unit = (destdir / "usr/local/lib/systemd/system/camflowd.service").read_text()
    assert "ExecStart=/usr/local/bin/camflowd\n" in unit
    assert (destdir / "usr/local/share/man/man8/camflow.8").is_file()
    assert (destdir / "etc/camflow.ini").is_file()  # the binary reads /etc
    assert not (destdir / "usr/bin").exists()
    result = run(["make", "-C", REPO, "uninstall", f"DESTDIR={destdir}", "PREFIX=/usr/local"])
    assert result.returncode == 0, result.stderr
    assert not (destdir / "usr/local/bin/camflow").exists()


def test_user_config_never_overwritten_and_kept_by_uninstall(binary, destdir):
    (destdir / "etc").mkdir(parents=True)
    mine = "[general]\noutput=null\nformat=w3c\n"
    (destdir / "etc/camflowd.ini").write_text(mine)
    result = install(binary, destdir)
    assert (destdir / "etc/camflowd.ini").read_text() == mine
    assert "kept /etc/camflowd.ini" in result.stderr
    install(binary, destdir)  # a second install (upgrade) keeps it too
    assert (destdir / "etc/camflowd.ini").read_text() == mine
    result = run([INSTALL, "--uninstall", "--destdir", destdir])
    assert result.returncode == 0, result.stderr
    assert (destdir / "etc/camflowd.ini").read_text() == mine
    assert not (destdir / "etc/camflow.ini").exists()  # unchanged default: removed
    leftovers = sorted(str(p.relative_to(destdir)) for p in destdir.rglob("*") if not p.is_dir())
    assert leftovers == ["etc/camflowd.ini"]


def test_bad_options_are_named(binary, destdir):
    result = run([INSTALL, "--bin", destdir / "nope", "--destdir", destdir])
    assert result.returncode != 0 and "--bin" in result.stderr and "nope" in result.stderr
    result = run([INSTALL, "--bin", binary, "--prefix", "usr"])
    assert result.returncode != 0 and "--prefix 'usr'" in result.stderr
    result = run([INSTALL, "--frobnicate"])
    assert result.returncode != 0 and "--frobnicate" in result.stderr
    assert not destdir.exists()


def system_root_with(destdir):
    """Make DESTDIR look like a Debian system for systemd-analyze --root: the
    host's units (targets, mounts) and /bin/kill, as on any installed system."""
    system = destdir / "lib/systemd/system"
    system.mkdir(parents=True, exist_ok=True)
    for unit in Path("/lib/systemd/system").iterdir():
        target = system / unit.name
        if unit.is_file() and not target.exists():
            target.write_bytes(unit.read_bytes())
    (destdir / "bin").mkdir(exist_ok=True)
    (destdir / "bin/kill").write_bytes(Path("/bin/kill").read_bytes())
    os.chmod(destdir / "bin/kill", 0o755)


def test_units_verify_clean(binary, destdir):
    require_tool("systemd-analyze")
    install(binary, destdir)
    system_root_with(destdir)
    units = [destdir / "usr/lib/systemd/system" / u for u in UNITS]
    result = run(["systemd-analyze", "verify", "--man=no", f"--root={destdir}", *units])
    assert result.returncode == 0 and result.stderr == "", result.stderr
    # The verifier is not a no-op: a bad directive in a copy is reported.
    broken = destdir / "usr/lib/systemd/system/camflowd-broken.service"
    broken.write_text(units[1].read_text().replace("Type=simple", "Type=simpel"))
    result = run(["systemd-analyze", "verify", "--man=no", f"--root={destdir}", broken])
    assert "simpel" in result.stderr


def test_unit_contract():
    confd = (REPO / "packaging/systemd/camconfd.service").read_text()
    flowd = (REPO / "packaging/systemd/camflowd.service").read_text()
    assert "Type=oneshot" in confd and "RemainAfterExit=yes" in confd
    assert "Before=sysinit.target camflowd.service" in confd
    # early in boot: right after the policy and local file systems, no wait
    # for basic.target or the network (the kernel drops while nobody reads)
    assert "DefaultDependencies=no" in flowd.splitlines()
    assert "After=camconfd.service local-fs.target" in flowd.splitlines()
    settings = [line for line in flowd.splitlines() if not line.startswith("#")]
    assert not [line for line in settings if "network-online" in line], settings
    for line in ("Requires=camconfd.service",
                 "ExecStart=/usr/bin/camflowd", "ExecReload=/bin/kill -HUP $MAINPID",
                 "KillSignal=SIGTERM", "Restart=on-failure", "NoNewPrivileges=yes",
                 "ProtectSystem=full"):
        assert line in flowd.splitlines(), line
    # Settings that would break the recorder: /sys read-only (securityfs
    # writes) or a private /tmp (FIFO and socket outputs live there).
    assert "ProtectKernelTunables" not in flowd and "PrivateTmp" not in flowd


def test_man_pages_render(binary, destdir):
    require_tool("man")
    require_tool("groff")
    install(binary, destdir)
    mandir = destdir / "usr/share/man"
    for page in PAGES:
        result = run(["groff", "-man", "-Tutf8", "-ww", "-z", page], cwd=mandir)
        assert result.returncode == 0 and result.stderr == "", f"{page}: {result.stderr}"
    env = dict(os.environ, MANWIDTH="80", MANPAGER="cat", PAGER="cat")
    for section, name, expected in (("8", "camflowd", "camflow record"),
                                    ("8", "camflow-ctl", "--track-file"),
                                    ("5", "camflow.ini", "buff_exp"),
                                    ("5", "camflowd.ini", "stats_interval")):
        result = run(["man", "-M", mandir, section, name], env=env)
        assert result.returncode == 0, result.stderr
        assert expected in result.stdout.replace("\u2010", "-"), name


def test_logrotate_rule_parses(binary, destdir):
    require_tool("logrotate")
    install(binary, destdir)
    rule = (destdir / "etc/logrotate.d/camflow").read_text()
    assert "systemctl reload camflowd.service" in rule and "\tcopytruncate" not in rule
    log = destdir / "log/audit.log"
    log.parent.mkdir()
    log.write_text("x\n")
    conf = destdir / "rotate.conf"
    conf.write_text(rule.replace("/var/log/camflow/audit.log", str(log))
                    .replace("systemctl reload camflowd.service", f"touch {destdir}/reloaded"))
    result = run(["logrotate", "--force", "--state", destdir / "state", conf])
    assert result.returncode == 0, result.stderr
    assert (destdir / "reloaded").exists() and (destdir / "log/audit.log.1").exists()
