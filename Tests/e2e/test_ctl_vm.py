"""Every `camflow` (camflow-cli style) flag against the real kernel: each call's
exit status, the state it leaves (`-s`), the `-c` export re-applied with
`camflow configure`, and the refusals (bad value, non-root change)."""
import re
import pytest


@pytest.fixture(scope="module")
def ctl(run_vm):
    run = run_vm("ctl_flags.sh")
    assert run.returncode == 0, run.explain()
    return run


def out(run, name):
    return run.text(f"ctl/{name}.out")


def status(run, name):
    return run.text(f"ctl/{name}.rc").strip()


SUCCEEDING = ["s1", "track_file", "taint_file", "label_file", "opaque_file", "file", "file_rel",
              "track_proc", "taint_proc", "proc", "opaque_proc", "proc2", "user", "group", "cgroup",
              "in", "eg", "secctx", "nf", "ef", "npf", "epf", "dup", "ver", "comp_node", "comp_edge",
              "all_off", "s_all_off", "all_on", "enable", "s2", "c", "p", "v", "drop", "epoch",
              "check", "reset", "del_user", "del_in", "s3", "reapply", "s4", "json_p", "user_s",
              "user_file", "label_on", "label_off", "s_label_off", "label_on2",
              "label_off2"]
FAILING = ["file_missing", "proc_missing", "user_e", "bad", "label_bad"]


@pytest.mark.parametrize("name", SUCCEEDING)
def test_call_succeeds(ctl, name):
    assert status(ctl, name) == "0", ctl.text(f"ctl/{name}.err")


@pytest.mark.parametrize("name", FAILING)
def test_refusal_is_one_line_and_non_zero(ctl, name):
    assert status(ctl, name) == "1"
    err = ctl.text(f"ctl/{name}.err").strip().splitlines()
    assert len(err) == 1 and err[0].startswith("camflow: error: "), err


def test_state_shows_every_change(ctl):
    state = out(ctl, "s2")
    for line in ("- duplication enabled;", "- edge compression enabled;", "- node compression disabled;",
                 "Node filter (200):\ndirectory", "Used filter (1):\nread",
                 "Propagate node filter (100):\nfile", "Propagate generated filter (20):\nwrite",
                 "127.0.0.1/32:80 track record", "10.0.0.0/8:0 propagate",
                 "system_u:object_r:etc_t:s0 track", "root track", "root propagate"):
        assert line in state, line
    assert "- all disabled;" in out(ctl, "s_all_off")
    assert "- all enabled;" in state
    assert re.search(r"^- \d+ tracked objects;$", state, re.M), state


def test_packet_labelling_switch(ctl):
    """ctl --label-packets writes the kernel's label switch; -s shows it; the
    -c export carries it and configure re-applies it (s4 after reapply)."""
    assert out(ctl, "label_file_on").strip() == "1"
    assert out(ctl, "label_file_off").strip() == "0"
    assert "- packet labelling disabled;" in out(ctl, "s_label_off")
    assert "- packet labelling enabled;" in out(ctl, "s2")
    assert "[network]" in out(ctl, "c") and "label=true" in out(ctl, "c").replace(" ", "")
    assert "- packet labelling enabled;" in out(ctl, "s4")


def test_file_and_process_state(ctl):
    file_state = out(ctl, "file")
    assert "Type: file" in file_state and "File is tracked." in file_state
    assert "File propagates tracking." in file_state
    taint = int(file_state.split("Taint: ")[1].split()[0], 16)
    assert taint & (1 << 5), file_state
    assert out(ctl, "file_rel") == file_state
    process = out(ctl, "proc")
    assert "Process is tracked." in process and "Taint: 80" in process
    assert "Process is opaque." in out(ctl, "proc2")


def test_reset_and_delete_then_reapply_restores_the_policy(ctl):
    after_reset = out(ctl, "s3")
    assert "Node filter (0):" in after_reset and "IPv4 ingress filter (0)." in after_reset
    assert "User filter (0)." in after_reset
    hash_of = lambda text: text.split("Policy hash: ")[1].splitlines()[0]
    assert hash_of(out(ctl, "s4")) == hash_of(out(ctl, "s2"))
    assert out(ctl, "json_p") == out(ctl, "p")


def test_drop_and_version_texts(ctl):
    assert out(ctl, "drop").startswith("Graph elements dropped: \t\t")
    assert out(ctl, "v").startswith("CamFlow v")
