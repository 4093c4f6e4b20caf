#!/usr/bin/env python3
"""`make bench`: recorder throughput on a replayed relay stream.

1. Builds a relay stream of at least --records records (default 1,000,000)
   from the kernel fixtures (relay_stream.py) under WORK/relay, in files named
   as the kernel names them (provenance0, long_provenance0, ...).
2. Baseline: copies the same relay files to WORK/baseline.out with cat(1), on
   the same disk, in the same run.
3. Runs the real recorder, `camflow record --relay-root WORK/relay
   --securityfs-root WORK/sec --config WORK/<format>.ini`, once per format,
   into a log file WORK/<format>.log. The recorder reads regular files as it
   reads relay files. As soon as every relay byte has been read it gets
   SIGTERM, writes out what it holds and exits; its final statistics line
   must show every record read (and written). Times run from start to exit.
4. Prints, per run: wall time, CPU time (user + system, all threads),
   records/s, records/s per core (= records / CPU seconds) and the ratio of
   the per-core rate to the baseline's, and the output size.

The recorder runs with its default output queue (--queue-size overrides
it): when the log writer falls behind, the readers wait for room, so the
figures are those of the whole pipeline (readers, encoders and the log
writer thread, all counted in the CPU time) with nothing dropped.

Usage: bench.py --camflow BIN [--records N] [--work DIR] [--formats w3c,spade_json] [--queue-size SIZE]
                [--perf FILE] [--repeat N]
"""
import argparse
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import relay_stream  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "Tests" / "Fixtures" / "kernel"


def abi_version():
    header = (ROOT / "kernel-patch/include/uapi/linux/provenance.h").read_text()
    match = re.search(r"#define\s+PROV_ABI_VERSION\s+(\d+)", header)
    return match.group(1) if match else "1"


def fake_securityfs(directory):
    """The securityfs files the recorder opens, as regular files."""
    directory.mkdir(parents=True, exist_ok=True)
    for name in ("self", "epoch", "flush", "enable", "all", "relay_conf"):
        (directory / name).write_bytes(b"")
    (directory / "dropped").write_bytes(bytes(8))
    (directory / "boot_id").write_bytes(bytes(4))
    (directory / "machine_id").write_bytes(bytes(4))
    (directory / "abi_version").write_text(abi_version() + "\n")
    return directory


def bytes_read(pid):
    with open(f"/proc/{pid}/io") as f:
        for line in f:
            if line.startswith("rchar:"):
                return int(line.split()[1])
    return 0


def run_baseline(relay, out):
    files = sorted(str(p) for p in relay.iterdir())
    before = os.times()
    start = time.monotonic()
    with open(out, "wb") as sink:
        subprocess.run(["cat", *files], stdout=sink, check=True)
        sink.flush()
    wall = time.monotonic() - start
    after = os.times()
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    return wall, cpu, out.stat().st_size


def run_recorder(camflow, work, relay, securityfs, fmt, relay_bytes, records, queue_size, perf=None, timeout=600):
    """One recorder run; SIGTERM as soon as every relay byte has been read
    (the recorder then writes out what it holds and exits). Returns wall and
    CPU seconds from start to exit, and the log size."""
    log = work / f"{fmt}.log"
    if log.exists():
        log.unlink()
    ini = work / f"{fmt}.ini"
    general = f"output=log\nformat={fmt}\n" + (f"queue_size={queue_size}\n" if queue_size else "")
    ini.write_text(f"[general]\n{general}[log]\npath={log}\n")
    stderr_path = work / f"{fmt}.stderr"
    with open(stderr_path, "wb") as stderr:
        process = subprocess.Popen([camflow, "record", "--config", str(ini), "--securityfs-root", str(securityfs),
                                    "--relay-root", str(relay)], stdout=subprocess.DEVNULL, stderr=stderr)
    start = time.monotonic()
    profiler = None
    if perf:
        profiler = subprocess.Popen(["perf", "record", "-F", "4000", "-g", "-o", f"{perf}.{fmt}",
                                     "-p", str(process.pid)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    status = None
    try:
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                raise RuntimeError(f"{fmt}: the recorder exited early with status {os.waitstatus_to_exitcode(status)}:\n"
                                   + stderr_path.read_text(errors="replace")[-2000:])
            if bytes_read(process.pid) >= relay_bytes:
                break
            if time.monotonic() - start > timeout:
                raise RuntimeError(f"{fmt}: not done after {timeout} s")
            time.sleep(0.02)
        process.send_signal(signal.SIGTERM)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.monotonic() - start
    finally:
        if status is None:
            process.kill()
            os.wait4(process.pid, 0)
        if profiler:
            profiler.wait(timeout=60)
    process.returncode = os.waitstatus_to_exitcode(status)
    stderr = stderr_path.read_text(errors="replace")
    read = [int(n) for n in re.findall(r"records read (\d+)", stderr)]
    written = [int(n) for n in re.findall(r"written (\d+)", stderr)]
    if process.returncode != 0 or not read or read[-1] != records or (written and written[-1] != records):
        raise RuntimeError(f"{fmt}: expected {records} records read and written, "
                           f"status {process.returncode}:\n{stderr[-2000:]}")
    return wall, usage.ru_utime + usage.ru_stime, log.stat().st_size


def main(argv):
    parser = argparse.ArgumentParser(description="recorder throughput against a copy baseline")
    parser.add_argument("--camflow", required=True, help="the camflow binary (release build)")
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--work", default=str(ROOT / "out" / "bench"))
    parser.add_argument("--formats", default="w3c,spade_json")
    parser.add_argument("--queue-size", default="",
                        help="[general] queue_size of the recorder (empty: its default); see docs/performance.md")
    parser.add_argument("--perf", help="profile each recorder run with perf record into PERF.<format>")
    parser.add_argument("--repeat", type=int, default=1,
                        help="run each format this many times (one line per run, then the range per core)")
    args = parser.parse_args(argv[1:])
    camflow = str(Path(args.camflow).resolve())
    if not os.access(camflow, os.X_OK):
        print(f"bench: --camflow {args.camflow}: not an executable", file=sys.stderr)
        return 2
    work = Path(args.work).resolve()
    relay = work / "relay"
    if relay.exists():
        for p in relay.iterdir():
            p.unlink()
    records, relay_bytes, copies = relay_stream.build(FIXTURES, relay, args.records)
    securityfs = fake_securityfs(work / "sec")
    print(f"relay stream: {records:,} records, {relay_bytes / 1e6:.1f} MB in {len(list(relay.iterdir()))} files "
          f"({copies} copies of the kernel fixtures), {os.cpu_count()} CPUs, work directory {work}")

    results = []
    wall, cpu, size = run_baseline(relay, work / "baseline.out")
    results.append(("baseline: cat relay files", wall, cpu, size))
    ranges = {}
    for _ in range(max(args.repeat, 1)):
        for fmt in [f for f in args.formats.split(",") if f]:
            try:
                wall, cpu, size = run_recorder(camflow, work, relay, securityfs, fmt, relay_bytes, records,
                                               args.queue_size, args.perf)
                results.append((f"camflow record, {fmt} -> log", wall, cpu, size))
                ranges.setdefault(fmt, []).append(records / max(cpu, 1e-3))
            except RuntimeError as error:
                print(f"bench: {error}", file=sys.stderr)
                results.append((f"camflow record, {fmt} -> log", None, None, None))

    base_per_core = records / max(results[0][2], 1e-3)
    print(f"{'run':34} {'wall s':>7} {'cpu s':>7} {'records/s':>11} {'per core':>11} {'vs baseline':>11} {'output MB':>10}")
    failed = False
    for name, wall, cpu, size in results:
        if wall is None:
            print(f"{name:34} {'failed':>7}")
            failed = True
            continue
        per_core = records / max(cpu, 1e-3)
        print(f"{name:34} {wall:7.2f} {cpu:7.2f} {records / max(wall, 1e-3):11,.0f} {per_core:11,.0f} "
              f"{per_core / base_per_core:11.3f} {size / 1e6:10.1f}")
    if args.repeat > 1:
        for fmt, rates in ranges.items():
            rates.sort()
            print(f"{fmt}: {len(rates)} runs, records/s per core {rates[0]:,.0f} to {rates[-1]:,.0f}, "
                  f"median {rates[len(rates) // 2]:,.0f}")
        print(f"load average after the runs: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    for p in [work / "baseline.out", *(work / f"{f}.log" for f in args.formats.split(","))]:
        if p.exists():
            p.unlink()  # large; the figures are printed above
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
