#!/usr/bin/env python3
"""`make stress`: a mixed workload under whole-system capture in the VM.

Compiles packaging/stress/prov-stress.c statically, boots the kernel under
packaging/vm/run (2 vCPUs by default) with the harness's whole-system policy
and camflowd writing W3C PROV-JSON to its log on the log disk, runs
prov-stress (WORKERS processes doing file, pipe, UNIX socketpair, loopback
TCP, fork/exec, SysV and POSIX IPC, shared-mapping and signal work) for the given time, and reports:

  operations done (per kind), records the kernel sent to relay (securityfs
  `sent`), records the kernel dropped (securityfs `dropped`), what the
  recorder read, wrote and dropped (its final statistics line), the size of
  the log, and every kernel report in the guest's dmesg and console
  (WARNING, BUG, lockdep, KASAN, sleeping in atomic context...).

Exits 0 only if the run finished, the kernel reported nothing, nothing was
dropped (kernel or recorder) and the recorder read every record the kernel
sent during the workload.  Drops are counted and printed either way.

--config selects the kernel: `vm` (kernel-patch/configs only, the test
suite's kernel), `nodebug` (plus packaging/bench-kernel/nodebug.config, the
kernel of `make bench-kernel`) or `debug` (plus
kernel-patch/configs-extra/debug.config: lockdep, DEBUG_ATOMIC_SLEEP, KASAN);
--kernel uses a given bzImage instead.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TOP = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
CONFIGS = {
    "vm": None,
    "nodebug": TOP / "packaging" / "bench-kernel" / "nodebug.config",
    "debug": TOP / "kernel-patch" / "configs-extra" / "debug.config",
}
# What counts as a kernel report in dmesg or on the console.
KERNEL_REPORT = re.compile(
    r"WARNING:|BUG:|Oops|Kernel panic|general protection fault|KASAN:|"
    r"lockdep is turned off|DEBUG_LOCKS_WARN_ON|possible circular locking|possible recursive locking|"
    r"inconsistent lock state|INFO: possible|sleeping function called from invalid context|"
    r"scheduling while atomic|Call Trace")
STOPPED = re.compile(
    r"records read (\d+), written (\d+) in \d+ chunks, dropped by the kernel (\S+), "
    r"dropped by the output (\d+)")


def positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got '{text}'")
    if value <= 0:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got '{text}'")
    return value


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    length = p.add_mutually_exclusive_group()
    length.add_argument("--minutes", type=positive, help="workload length in minutes (default 10)")
    length.add_argument("--seconds", type=positive, help="workload length in seconds")
    p.add_argument("--config", choices=sorted(CONFIGS), default="nodebug",
                   help="kernel configuration to build (default nodebug)")
    p.add_argument("--kernel", type=Path, help="use this bzImage instead of building one")
    p.add_argument("--camflow", type=Path, default=TOP / ".build" / "release" / "camflow",
                   help="the camflow release binary")
    p.add_argument("--workers", type=positive, default=12, help="worker processes (default 12)")
    p.add_argument("--mem", type=positive, help="guest memory in MiB (default 1024; 2048 for debug)")
    p.add_argument("--recorder-nice", type=int, default=-10, choices=range(-20, 20), metavar="N",
                   help="nice value for every camflowd thread, -20..19 (default -10; 0: unchanged)")
    p.add_argument("--smp", type=positive, default=2, help="guest CPUs (default 2)")
    p.add_argument("--log-disk", type=positive, default=32768,
                   help="log disk size in MiB (sparse; default 32768)")
    p.add_argument("--camflow-ini", type=Path, default=HERE / "camflow.ini",
                   help="capture policy and relay geometry (default packaging/stress/camflow.ini)")
    p.add_argument("--camflowd-ini", type=Path, default=HERE / "camflowd.ini",
                   help="recorder configuration (default packaging/stress/camflowd.ini)")
    p.add_argument("--append", default="", help="extra kernel command line")
    p.add_argument("--work", type=Path, default=TOP / "out" / "stress",
                   help="where the guest's outputs go (emptied first)")
    p.add_argument("--keep-log", action="store_true",
                   help="copy the recorder's log back to WORK/audit.log")
    p.add_argument("--json", type=Path, help="also write the report as JSON to this file")
    args = p.parse_args(argv)
    args.seconds = args.seconds or (args.minutes or 10) * 60
    if args.mem is None:
        args.mem = 2048 if args.config == "debug" else 1024
    for name in ("camflow_ini", "camflowd_ini"):
        if not getattr(args, name).is_file():
            p.error(f"--{name.replace('_', '-')}: no such file: {getattr(args, name)}")
    if args.kernel is not None and not args.kernel.is_file():
        p.error(f"--kernel: no such file: {args.kernel}")
    if not args.camflow.is_file() or not os.access(args.camflow, os.X_OK):
        p.error(f"--camflow: not an executable: {args.camflow}")
    return args


def build_kernel(config: str) -> Path:
    command = [str(TOP / "kernel-patch" / "scripts" / "build-kernel")]
    if CONFIGS[config] is not None:
        command += ["--extra-config", str(CONFIGS[config])]
    result = subprocess.run(command, stdout=subprocess.PIPE, text=True)
    if result.returncode != 0:
        sys.exit(f"stress: the {config} kernel did not build")
    return Path(result.stdout.strip())


def build_workload(work: Path) -> Path:
    binary = work / "prov-stress"
    subprocess.run(["gcc", "-static", "-O2", "-Wall", "-Wextra", "-Werror",
                    "-o", str(binary), str(HERE / "prov-stress.c")], check=True)
    return binary


def key_values(text: str, prefix: str = "") -> dict:
    """Lines `[prefix] key value` as a dict of ints (non-numbers skipped)."""
    values = {}
    for line in text.splitlines():
        parts = line.split()
        if prefix:
            if len(parts) != 3 or parts[0] != prefix:
                continue
            parts = parts[1:]
        if len(parts) == 2 and parts[1].isdigit():
            values[parts[0]] = int(parts[1])
    return values


def read(path: Path) -> str:
    return path.read_text(errors="replace") if path.exists() else ""


def kernel_reports(out: Path) -> list:
    lines = []
    for name in ("dmesg.txt", "console.log"):
        for line in read(out / name).splitlines():
            if KERNEL_REPORT.search(line):
                lines.append(f"{name}: {line.strip()}")
    return lines


def recorder_stats(out: Path):
    stopped = [line for line in read(out / "camflowd.log").splitlines() if "stopped:" in line]
    match = STOPPED.search(stopped[-1]) if stopped else None
    if not match:
        return None
    kernel = match.group(3)
    return {"read": int(match.group(1)), "written": int(match.group(2)),
            "dropped_by_kernel": int(kernel) if kernel.isdigit() else None,
            "dropped_by_output": int(match.group(4))}


def run(args) -> int:
    kernel = args.kernel or build_kernel(args.config)
    scratch = Path(tempfile.mkdtemp(prefix="camflow-stress."))
    try:
        extra = scratch / "extra"
        extra.mkdir()
        (extra / "params").write_text(f"SECONDS_RUN={args.seconds}\nWORKERS={args.workers}\n"
                                    f"RECORDER_NICE={args.recorder_nice}\n")
        if args.keep_log:
            (extra / "keep-log").write_text("")
        binary = build_workload(scratch)
        args.work.mkdir(parents=True, exist_ok=True)
        command = [str(TOP / "packaging" / "vm" / "run"),
                   "--script", str(HERE / "guest.sh"), "--after-script", str(HERE / "after.sh"),
                   "--add", str(extra), "--bin", str(binary), "--out", str(args.work),
                   "--kernel", str(kernel), "--camflow", str(args.camflow),
                   "--camflow-ini", str(args.camflow_ini), "--camflowd-ini", str(args.camflowd_ini),
                   "--mem", str(args.mem), "--smp", str(args.smp),
                   "--log-disk", str(args.log_disk),
                   "--timeout", str(args.seconds + 900)]
        if args.append:
            command += ["--append", args.append]
        print(f"stress: {args.seconds} s, {args.workers} workers, {args.smp} vCPUs, "
              f"{args.mem} MiB, kernel {kernel}", flush=True)
        started = time.monotonic()
        vm = subprocess.run(command, stderr=subprocess.PIPE, text=True)
        elapsed = time.monotonic() - started
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return report(args, vm, elapsed)


def report(args, vm, elapsed: float) -> int:
    out = args.work
    counters = key_values(read(out / "stress.txt"))
    ops = key_values(read(out / "prov-stress.txt"), prefix="ops")
    recorder = recorder_stats(out)
    reports = kernel_reports(out)
    problems = []
    if vm.returncode != 0:
        problems.append(f"packaging/vm/run exited {vm.returncode}: {vm.stderr.strip()[-2000:]}")
    needed = ("sent_end", "dropped_end", "sent_final", "dropped_final", "log_bytes")
    missing = [k for k in needed if k not in counters]
    if missing:
        problems.append(f"{out}/stress.txt lacks {', '.join(missing)}")
    if not ops.get("total"):
        problems.append(f"prov-stress reported no operations ({out}/prov-stress.txt)")
    if ops.get("failed"):
        problems.append(f"{ops['failed']} operations failed ({out}/prov-stress.err)")
    if recorder is None:
        problems.append(f"no final statistics line in {out}/camflowd.log")
    dropped = counters.get("dropped_final")
    if dropped:
        problems.append(f"the kernel dropped {dropped} records")
    if recorder and recorder["dropped_by_output"]:
        problems.append(f"the recorder's output dropped {recorder['dropped_by_output']} records")
    if recorder and "sent_end" in counters and recorder["read"] < counters["sent_end"]:
        problems.append(f"the recorder read {recorder['read']} records, fewer than the "
                        f"{counters['sent_end']} the kernel sent during the workload")
    if reports:
        problems.append(f"{len(reports)} kernel report lines")
    summary = {
        "config": args.config if args.kernel is None else str(args.kernel),
        "seconds": args.seconds, "workers": args.workers, "recorder_nice": args.recorder_nice, "smp": args.smp, "mem": args.mem,
        "ops": ops, "counters": counters, "recorder": recorder,
        "kernel_reports": reports[:50], "vm_seconds": round(elapsed),
        "problems": problems,
    }
    (out / "stress.json").write_text(json.dumps(summary, indent=1) + "\n")
    if args.json:
        args.json.write_text(json.dumps(summary, indent=1) + "\n")
    workload_s = counters.get("workload_seconds") or args.seconds
    sent = counters.get("sent_end", 0) - counters.get("sent_start", 0)
    print(f"operations:        {ops.get('total', 0)} in {workload_s} s "
          + " ".join(f"{k}={v}" for k, v in ops.items() if k not in ("total", "failed")))
    print(f"kernel sent:       {sent} records during the workload "
          f"({sent // max(workload_s, 1)}/s), {counters.get('sent_final', '?')} in the boot")
    print(f"kernel dropped:    {counters.get('dropped_final', '?')}")
    if recorder:
        print(f"recorder:          read {recorder['read']}, written {recorder['written']}, "
              f"dropped by the output {recorder['dropped_by_output']}")
    print(f"log:               {counters.get('log_bytes', '?')} bytes")
    print(f"kernel reports:    {len(reports)}")
    for line in reports[:20]:
        print(f"  {line}")
    print(f"vm run:            {elapsed:.0f} s, outputs in {out}")
    for problem in problems:
        print(f"stress: FAIL: {problem}", file=sys.stderr)
    return 1 if problems else 0


def main(argv=None) -> int:
    return run(parse_args(sys.argv[1:] if argv is None else argv))


if __name__ == "__main__":
    sys.exit(main())
