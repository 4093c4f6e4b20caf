"""Bad input in the VM: garbage written to every securityfs file is refused, the
kernel stays healthy, and `camflow record` fails cleanly on broken configurations."""
import re

import pytest

import provgraph

EXPECTED_FILES = {"enable", "all", "relay_conf", "self", "flush", "dropped", "machine_id",
                  "boot_id", "version", "type", "epoch"}


@pytest.fixture(scope="module")
def bad_run(run_vm):
    run = run_vm("bad_input.sh", "--mem", "2048", timeout=600)
    # a non-zero status here also covers oops/BUG/WARNING in the kernel log
    assert run.returncode == 0, run.explain()
    return run


def test_garbage_is_refused_by_every_file(bad_run):
    lines = bad_run.text("bad-input.txt").splitlines()
    files = {line.split()[2] for line in lines}
    assert EXPECTED_FILES <= files, f"files not exercised: {EXPECTED_FILES - files}"
    accepted = [line for line in lines if line.startswith("ACCEPTED")]
    assert not accepted, "\n".join(accepted)
    assert any(line.startswith("refused user") for line in lines)


def test_capture_state_survives_garbage(bad_run):
    assert bad_run.text("state-after.txt").split() == ["enable=1", "all=1"]


def test_capture_still_works_after_garbage(bad_run):
    graph = provgraph.Graph.load(bad_run.out / "audit.log")
    d_versions = graph.named("/tmp/d")
    assert d_versions
    assert graph.named("/tmp/c") & graph.ancestors(d_versions)
    assert bad_run.text("dropped").strip() == "0"


def record_errors(run):
    sections = re.split(r"^== ", run.text("record-errors.txt"), flags=re.M)
    result = {}
    for section in filter(None, sections):
        header, _, body = section.partition("\n")
        name, rc = header.split(" rc=")
        result[name] = (int(rc), [line for line in body.splitlines() if line.strip()])
    return result


@pytest.mark.parametrize("case, mentions", [
    ("missing-config", "/tmp/no-such.ini"),
    ("config-is-directory", "/tmp/config-dir"),
    ("unreadable-config", "/tmp/secret.ini"),
    ("unwritable-log", "/no/such/dir/x.log"),
    ("missing-relay", "/tmp/empty-relay"),
])
def test_record_fails_with_one_clear_message(bad_run, case, mentions):
    errors = record_errors(bad_run)
    assert case in errors, f"case {case} did not run: {errors}"
    rc, lines = errors[case]
    assert rc != 0
    assert len(lines) == 1, f"expected one line, got {lines}"
    assert mentions in lines[0]


def test_read_only_files_and_type_queries(bad_run):
    lines = dict(line.split(" ", 1) for line in bad_run.text("securityfs-reads.txt").splitlines())
    kernel_machine, file_machine = lines["machine_id"].split()
    assert kernel_machine == file_machine and int(kernel_machine) != 0
    assert lines["boot_id"].split() == ["1", "1"]
    assert lines["version"] == "v0.1.0"
    assert lines["dropped_size"] == "8"
    assert lines["type_file"] == "2000000000000100"
    assert lines["type_read"] == "read"
    assert lines["user_type_file"] == "2000000000000100"
