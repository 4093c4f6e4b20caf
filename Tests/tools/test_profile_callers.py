"""profile.py's --callers (packaging/bench-kernel/profile.py): the stack scan
names the kernel functions whose addresses it finds above the sampled one,
nearest first, and the options it adds refuse bad values before anything
boots.  The scan on a real guest is tested in Tests/e2e/test_profile.py."""
import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

TOP = Path(__file__).resolve().parents[2]
SCRIPT = TOP / "packaging" / "bench-kernel" / "profile.py"
sys.path.insert(0, str(SCRIPT.parent))  # profile.py imports bench.py beside it
# loaded under its own name: "profile" is a module of the standard library
_spec = importlib.util.spec_from_file_location("bench_kernel_profile", SCRIPT)
profiler = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(profiler)

# A System.map: text symbols at 0x1000 steps, a data symbol after them.
MAP = """\
ffffffff81000000 T _stext
ffffffff81001000 T prov_emit
ffffffff81002000 T prov_write_relation
ffffffff81003000 t _raw_spin_lock_irqsave
ffffffff81004000 T prov_sink_locked
ffffffff81005000 T do_syscall_64
ffffffff81006000 T _etext
ffffffff82000000 D some_data
"""


@pytest.fixture()
def symbols(tmp_path) -> "profiler.Symbols":
    system_map = tmp_path / "System.map"
    system_map.write_text(MAP)
    return profiler.Symbols(system_map)


def test_chain_is_the_text_addresses_nearest_first(symbols):
    stack = (0x1234,                    # not kernel text: a value on the stack
             0xffffffff81001010,        # the sampled function itself: skipped
             0xffffffff81002040,        # its caller
             0xffffffff82000008,        # data, not text: skipped
             0xffffffff81003010,        # a lock helper: skipped
             0xffffffff81004100,
             0xffffffff81002080,        # seen already: skipped
             0xffffffff81005000)
    assert profiler.caller_chain(symbols, "prov_emit", stack, 3) == \
        "prov_write_relation < prov_sink_locked < do_syscall_64"
    assert profiler.caller_chain(symbols, "prov_emit", stack, 1) == "prov_write_relation"


def test_chain_without_kernel_text(symbols):
    assert profiler.caller_chain(symbols, "prov_emit", (1, 2, 0xffffffff82000000), 3) == \
        "[no kernel text on the stack]"


@pytest.mark.parametrize("args, message", [
    (["--callers", "no_such_function"], "--callers: no function 'no_such_function'"),
    (["--callers", "prov_emit", "--depth", "0"], "--depth: expected at least 1, got 0"),
])
def test_bad_options_are_refused_before_booting(tmp_path, args, message):
    (tmp_path / "System.map").write_text(MAP)
    result = subprocess.run([sys.executable, str(SCRIPT),
                             "--kernel", str(tmp_path / "bzImage"), "--camflow", "/nonexistent"] + args,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2, result
    assert message in result.stderr, result.stderr
    assert result.stdout == ""
