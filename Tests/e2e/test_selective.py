"""Selective capture (enabled=true, all=false): nothing untracked is recorded."""
from pathlib import Path

import provgraph

CONFIGS = Path(__file__).resolve().parent / "configs"


def test_untracked_activity_is_not_recorded(run_vm):
    run = run_vm("cat_copy.sh", "--camflow-ini", str(CONFIGS / "selective.ini"))
    assert run.returncode == 0, run.explain()
    assert run.text("dropped").strip() == "0"
    graph = provgraph.Graph.load(run.out / "audit.log")
    # the kernel captured from boot until camconfd turned "all" off: that
    # backlog is in the log, but nothing the workload did afterwards
    assert graph.named("/bin/busybox"), "the boot backlog is missing"
    for name in ("/tmp/a", "/tmp/b", "/tmp/c"):
        assert not graph.named(name), f"{name} was recorded with all=false"
