#!/usr/bin/env python3
"""Kernel overhead microbenchmark (`make bench-kernel`).

Builds packaging/bench-kernel/prov-bench.c and prov-drain.c statically,
then for each round boots the provenance kernel three times under
packaging/vm/run, interleaved:

  baseline   the same kernel booted with lsm=capability (no provenance LSM)
  provenance the modes off (capture disabled), untracked (enabled, nothing
             tracked), tracked (one tracked process), whole (whole-system
             capture, the recorder writing W3C PROV-JSON to its log);
             the first three rotate from round to round, whole runs last
  kernel     whole-system capture with prov-drain, which reads the relay
             files and throws the records away, in place of the recorder
             (vm/run --no-recorder): the kernel's share of "whole"

Prints, per operation, the median time per operation of each mode, its
ratio to the baseline median, the kernel records per operation (securityfs
"sent") and the records dropped, and with --write-doc replaces the kernel
table in docs/performance.md.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

TOP = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
MODES = ("off", "untracked", "tracked", "kernel", "whole")
ROTATING = ("off", "untracked", "tracked")
LABELS = {"open+close": "open+close", "stat": "stat", "fstat": "fstat",
          "read4k": "read 4 KiB", "write4k": "write 4 KiB", "fork+exit": "fork+exit",
          "fork+exec": "fork+exec", "pipe": "pipe round trip",
          "unix": "UNIX socket round trip", "tcp": "loopback TCP round trip"}
BEGIN = "<!-- bench-kernel table begin -->"
END = "<!-- bench-kernel table end -->"
ICOUNT_BEGIN = "<!-- bench-kernel icount table begin -->"
ICOUNT_END = "<!-- bench-kernel icount table end -->"


def build_bench(work: Path) -> list:
    """prov-bench and prov-drain, static, in WORK."""
    binaries = []
    for name in ("prov-bench", "prov-drain"):
        binary = work / name
        subprocess.run(["gcc", "-static", "-O2", "-Wall", "-Wextra", "-Werror", "-pthread",
                        "-I", str(TOP / "kernel-patch" / "include" / "uapi"),
                        "-o", str(binary), str(HERE / f"{name}.c")], check=True)
        binaries.append(binary)
    return binaries


def boot(args, work: Path, name: str, modes: list, kind: str) -> list:
    """One VM boot running modes; returns (mode, op, ns, records, dropped) rows.
    KIND: baseline (lsm=capability), provenance (camflowd recording) or
    kernel (prov-drain reading the relay files instead of camflowd)."""
    extra = work / f"{name}-extra"
    extra.mkdir()
    (extra / "modes").write_text("".join(m + "\n" for m in modes))
    (extra / "scale").write_text(f"{args.scale}\n")
    if kind == "kernel":
        (extra / "drain").write_text("1\n")
    out = work / name
    command = [str(TOP / "packaging" / "vm" / "run"), "--script", str(HERE / "guest.sh"),
               "--out", str(out), "--add", str(extra)]
    for binary in args.bench_binaries:
        command += ["--bin", str(binary)]
    command += ["--kernel", args.kernel, "--camflow", args.camflow,
                "--timeout", str(args.timeout)]
    if kind == "baseline":
        command += ["--append", "lsm=capability"]
    elif kind == "kernel":
        command += ["--no-recorder"]
    if args.icount is not None:
        command += ["--smp", "1", "--icount", str(args.icount)]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        sys.stderr.write(result.stderr)
        raise SystemExit(f"bench-kernel: the {name} boot failed (outputs in {out})")
    gate = out / "gate.txt"
    for line in (gate.read_text().splitlines() if gate.exists() else []):
        mode, before, after = line.split()
        if before != "0" or after != "0":
            raise SystemExit(f"bench-kernel: the {mode} mode of the {name} boot ran with tracked "
                             f"objects ({before} before, {after} after): the gate was open "
                             f"(outputs in {out})")
    rows = []
    for line in (out / "bench.txt").read_text().splitlines():
        mode, op, ns, records, dropped = line.split()
        rows.append((mode, op, float(ns), float(records), int(dropped)))
    if not args.keep:
        shutil.rmtree(out, ignore_errors=True)
    return rows


def table(times, records, dropped) -> str:
    lines = ["| operation | baseline (µs) | capture off | enabled, nothing tracked "
             "| one tracked process | whole-system, kernel only | whole-system "
             "| records/op (tracked, whole) | dropped (kernel only, whole) |",
             "|---|---|---|---|---|---|---|---|---|"]
    for op, label in LABELS.items():
        base = statistics.median(times[("baseline", op)])
        cells = [f"{base / 1000:.1f}"]
        for mode in MODES:
            cells.append(f"×{statistics.median(times[(mode, op)]) / base:.2f}")
        tracked = statistics.median(records[("tracked", op)])
        whole = statistics.median(records[("whole", op)])
        cells.append(f"{tracked:.2f}, {whole:.2f}")
        cells.append(f'{sum(dropped[("kernel", op)])}, {sum(dropped[("whole", op)])}')
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def write_doc(text: str, rounds: int, scale: float, icount) -> None:
    doc = TOP / "docs" / "performance.md"
    body = doc.read_text()
    begin, end_mark = (BEGIN, END) if icount is None else (ICOUNT_BEGIN, ICOUNT_END)
    how = ("" if icount is None else
           f" One vCPU, time counted in instructions (qemu -icount shift={icount}: "
           f"one instruction is {1 << icount} ns of guest time).")
    block = (f"{begin}\n{text}\nMedians of {rounds} interleaved rounds (iteration "
             f"scale {scale}), ratios to the baseline median; generated by "
             f"`make bench-kernel`.{how}\n{end_mark}")
    if begin in body and end_mark in body:
        start = body.index(begin)
        end = body.index(end_mark) + len(end_mark)
        body = body[:start] + block + body[end:]
    else:
        body = body.rstrip("\n") + "\n\n" + block + "\n"
    doc.write_text(body)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kernel", required=True, help="bzImage with the provenance LSM")
    parser.add_argument("--camflow", required=True, help="release camflow binary")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds (>= 5)")
    parser.add_argument("--scale", type=float, default=1.0, help="iteration scale")
    parser.add_argument("--timeout", type=int, default=600, help="limit per boot, seconds")
    parser.add_argument("--icount", type=int, default=None,
                        help="one guest CPU, and time counted in instructions "
                             "(qemu -icount shift=N): deterministic ratios")
    parser.add_argument("--work", default="", help="keep the boots' outputs here")
    parser.add_argument("--write-doc", action="store_true",
                        help="replace the kernel table in docs/performance.md")
    args = parser.parse_args()
    if args.rounds < 1:
        parser.error(f"--rounds: expected at least 1, got {args.rounds}")
    if args.icount is not None and not 0 <= args.icount <= 9:
        parser.error(f"--icount: expected a shift 0-9, got {args.icount}")
    if args.scale <= 0:
        parser.error(f"--scale: expected a positive number, got {args.scale}")
    args.keep = bool(args.work)
    work = Path(args.work) if args.work else Path(tempfile.mkdtemp(prefix="bench-kernel."))
    work.mkdir(parents=True, exist_ok=True)
    args.bench_binaries = build_bench(work)
    times, records, dropped = defaultdict(list), defaultdict(list), defaultdict(list)
    try:
        for r in range(args.rounds):
            shift = r % len(ROTATING)
            order = list(ROTATING[shift:] + ROTATING[:shift]) + ["whole"]
            boots = [("baseline", ["baseline"]), ("provenance", order), ("kernel", ["kernel"])]
            boots = boots[r % 3:] + boots[:r % 3]
            for name, modes in boots:
                print(f"round {r + 1}/{args.rounds}: {name} boot ({', '.join(modes)})",
                      file=sys.stderr, flush=True)
                for mode, op, ns, rec, drop in boot(args, work, f"r{r}-{name}", modes, name):
                    times[(mode, op)].append(ns)
                    records[(mode, op)].append(rec)
                    dropped[(mode, op)].append(drop)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    text = table(times, records, dropped)
    print(text)
    if args.write_doc:
        write_doc(text, args.rounds, args.scale, args.icount)
    return 0


if __name__ == "__main__":
    sys.exit(main())
