#!/usr/bin/env python3
"""Where the guest kernel spends its time during one prov-bench operation.

Boots the kernel under packaging/vm/run with qemu's gdb server (--gdb),
sets the capture mode in the guest, repeats one prov-bench operation for
--seconds, and meanwhile stops the guest every --interval milliseconds
through the gdb remote protocol to read the instruction pointer of each
vCPU.  Samples are mapped to kernel functions with the System.map next to
the bzImage (build-kernel keeps it there); samples in user space and in
the idle loop are counted apart.  Stopping the guest perturbs timing, so
the result is a distribution, not a time: compare functions, not runs.

    packaging/bench-kernel/profile.py --kernel BZIMAGE --camflow CAMFLOW \\
        --mode whole --op stat [--seconds 20] [--top 40] \\
        [--callers FUNCTION [--depth 3]]

--callers FUNCTION also reads the guest's stack at each sample that falls
in FUNCTION and prints the kernel functions whose addresses it finds there,
nearest first: who called it.  The kernel keeps no frame pointers here, so
this is a scan, not an unwind; a stale return address may show in a few
samples.
"""
from __future__ import annotations

import argparse
import bisect
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
TOP = HERE.parents[1]
sys.path.insert(0, str(HERE))
from bench import build_bench  # noqa: E402

MARK = "PROFILE-START"
# Stack words read for --callers.
STACK_SCAN = 48
IDLE = {"default_idle", "arch_cpu_idle", "native_safe_halt", "default_idle_call",
        "amd_e400_idle", "cpu_idle_poll", "do_idle", "pv_native_safe_halt"}
GUEST = """#!/bin/sh
prov=/sys/kernel/security/provenance
case "{mode}" in
baseline) ;;
off) printf 0 >$prov/enable && printf 0 >$prov/all || exit 1 ;;
untracked|tracked) printf 1 >$prov/enable && printf 0 >$prov/all || exit 1 ;;
whole) printf 1 >$prov/enable && printf 1 >$prov/all || exit 1 ;;
kernel) printf 1 >$prov/enable && printf 1 >$prov/all || exit 1
	prov-drain 2>/dev/null & ;;
esac
track=""
[ "{mode}" = tracked ] && track=--track
prov-bench $track --scale 0.2 --dir /tmp/prov-bench {op} >/dev/null || exit 1
echo {mark} >/dev/console
end=$(( $(date +%s) + {seconds} ))
while [ "$(date +%s)" -lt "$end" ]; do
	prov-bench $track --scale 1 --dir /tmp/prov-bench {op} >/dev/null || exit 1
done
exit 0
"""


class Remote:
    """The few gdb remote protocol requests the sampler needs."""

    def __init__(self, port: int, deadline: float):
        while True:
            try:
                self.sock = socket.create_connection(("127.0.0.1", port))
                # one small request at a time: no Nagle delay
                self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                break
            except OSError:
                if time.time() > deadline:
                    raise SystemExit(f"profile: no gdb server on port {port}")
                time.sleep(0.05)
        self.buf = b""

    def send(self, data: str) -> None:
        self.sock.sendall(f"${data}#{sum(data.encode()) & 0xFF:02x}".encode())

    def receive(self) -> str:
        while True:
            start = self.buf.find(b"$")
            end = self.buf.find(b"#", start) if start >= 0 else -1
            if end >= 0 and len(self.buf) >= end + 3:
                packet = self.buf[start + 1:end].decode()
                self.buf = self.buf[end + 3:]
                self.sock.sendall(b"+")
                return packet
            data = self.sock.recv(65536)
            if not data:
                raise EOFError
            self.buf += data

    def request(self, data: str) -> str:
        self.send(data)
        return self.receive()

    def threads(self) -> list:
        found, reply = [], self.request("qfThreadInfo")
        while reply.startswith("m"):
            found += reply[1:].split(",")
            reply = self.request("qsThreadInfo")
        return found


class Symbols:
    def __init__(self, system_map: Path):
        rows = []
        for line in system_map.read_text().splitlines():
            parts = line.split()
            if len(parts) == 3 and parts[1] in "tTwW":
                rows.append((int(parts[0], 16), parts[2]))
        rows.sort()
        self.addresses = [a for a, _ in rows]
        self.names = [n for _, n in rows]
        start = dict((n, a) for a, n in rows)
        # the kernel's text proper; init text and data follow _etext
        self.text = (start.get("_stext", rows[0][0] if rows else 0),
                     start.get("_etext", rows[-1][0] + 1 if rows else 0))

    def is_text(self, address: int) -> bool:
        return self.text[0] <= address < self.text[1]

    def name(self, address: int) -> str:
        if address < 0xffff800000000000:
            return "[user]"
        i = bisect.bisect_right(self.addresses, address) - 1
        return self.names[i] if i >= 0 else "[unknown]"


def stack_words(remote: Remote, regs: str) -> tuple:
    """The first STACK_SCAN words above the stack pointer (rsp, the 8th
    register), as integers; empty if the guest memory cannot be read."""
    rsp = int.from_bytes(bytes.fromhex(regs[7 * 16:8 * 16]), "little")
    reply = remote.request(f"m{rsp:x},{STACK_SCAN * 8:x}")
    if len(reply) != STACK_SCAN * 16 or reply.startswith("E"):
        return ()
    raw = bytes.fromhex(reply)
    return tuple(int.from_bytes(raw[i:i + 8], "little") for i in range(0, len(raw), 8))


def caller_chain(symbols: Symbols, function: str, stack: tuple, depth: int) -> str:
    """The kernel functions whose addresses a stack scan finds, nearest
    first, skipping @function itself and the lock helpers: a heuristic (the
    kernel keeps no frame pointers here, so stale return addresses on the
    stack may show too), good enough to tell which caller takes a lock."""
    names = []
    for word in stack:
        if not symbols.is_text(word):
            continue
        name = symbols.name(word)
        if name == function or name.startswith("_raw_spin") or name in names:
            continue
        names.append(name)
        if len(names) == depth:
            break
    return " < ".join(names) or "[no kernel text on the stack]"


def sample(port: int, console: Path, args, qemu: subprocess.Popen, symbols: Symbols,
           callers: str = "") -> list:
    remote = Remote(port, time.time() + 60)
    remote.sock.sendall(b"+")
    # qemu stops the guest on connection and reports it: skip that report
    while not remote.request("?").startswith("T"):
        pass
    remote.sock.settimeout(0.3)
    try:
        while remote.receive():
            pass
    except (socket.timeout, EOFError):
        pass
    remote.sock.settimeout(None)
    threads = remote.threads()
    remote.send("c")
    deadline = time.time() + args.timeout
    while MARK not in (console.read_text(errors="replace") if console.exists() else ""):
        if qemu.poll() is not None or time.time() > deadline:
            raise SystemExit("profile: the workload did not start (see the console log)")
        time.sleep(0.2)
    samples, end = [], time.time() + args.seconds
    while time.time() < end and qemu.poll() is None:
        time.sleep(args.interval / 1000)
        remote.sock.sendall(b"\x03")
        try:
            remote.receive()
            for thread in threads:
                remote.request("Hg" + thread)
                # all registers ("p" is not served for rip): rip is the 17th
                regs = remote.request("g")
                value = regs[16 * 16:17 * 16]
                if len(value) != 16:
                    continue
                ip = int.from_bytes(bytes.fromhex(value), "little")
                stack = ()
                if callers and symbols.name(ip) == callers:
                    stack = stack_words(remote, regs)
                samples.append((ip, stack))
        except EOFError:
            break
        remote.send("c")
    remote.sock.close()
    return samples


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kernel", required=True, help="bzImage (System.map beside it)")
    parser.add_argument("--camflow", required=True, help="release camflow binary")
    parser.add_argument("--mode", default="whole",
                        choices=("baseline", "off", "untracked", "tracked", "whole", "kernel"),
                        help="kernel: whole-system capture with prov-drain, which discards "
                             "the records, in place of the recorder")
    parser.add_argument("--op", default="stat", help="prov-bench operation")
    parser.add_argument("--seconds", type=int, default=20, help="sampling time")
    parser.add_argument("--interval", type=float, default=4.0, help="milliseconds between samples")
    parser.add_argument("--top", type=int, default=40,
                        help="functions to print (0: every function)")
    parser.add_argument("--timeout", type=int, default=300, help="limit for the boot, seconds")
    parser.add_argument("--icount", type=int, choices=range(10), metavar="SHIFT",
                        help="one vCPU, time counted in instructions (vm/run --icount): "
                             "samples then fall in proportion to instructions executed")
    parser.add_argument("--callers", default="", metavar="FUNCTION",
                        help="also print, for the samples in FUNCTION, the kernel functions "
                             "found on the stack above it (a stack scan: nearest first)")
    parser.add_argument("--depth", type=int, default=3, help="callers shown per --callers sample")
    args = parser.parse_args()
    system_map = Path(args.kernel).with_name("System.map")
    if not system_map.is_file():
        raise SystemExit(f"profile: no System.map beside {args.kernel}")
    symbols = Symbols(system_map)
    if args.depth < 1:
        parser.error(f"--depth: expected at least 1, got {args.depth}")
    if args.callers and args.callers not in symbols.names:
        parser.error(f"--callers: no function {args.callers!r} in {system_map}")
    with tempfile.TemporaryDirectory(prefix="camflow-profile-") as tmp:
        work = Path(tmp)
        binaries = build_bench(work)  # prov-bench, prov-drain
        script = work / "guest.sh"
        script.write_text(GUEST.format(mode=args.mode, op=args.op, mark=MARK,
                                       seconds=args.seconds + 30))
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
        probe.close()
        out = work / "out"
        command = [str(TOP / "packaging" / "vm" / "run"), "--script", str(script),
                   "--out", str(out), "--kernel", args.kernel,
                   "--camflow", args.camflow, "--gdb", str(port),
                   "--timeout", str(args.timeout + args.seconds + 60)]
        for binary in binaries:
            command += ["--bin", str(binary)]
        if args.mode == "kernel":
            command += ["--no-recorder"]
        if args.icount is not None:
            command += ["--smp", "1", "--icount", str(args.icount)]
        if args.mode == "baseline":
            command += ["--append", "lsm=capability nokaslr"]
        else:
            command += ["--append", "nokaslr"]
        qemu = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                text=True)
        try:
            samples = sample(port, out / "console.log", args, qemu, symbols, args.callers)
        finally:
            qemu.kill() if qemu.poll() is None else None
            subprocess.run(["pkill", "-f", f"tcp:127.0.0.1:{port}"], check=False)
            qemu.wait()
    counts = Counter(symbols.name(ip) for ip, _ in samples)
    idle = sum(c for n, c in counts.items() if n in IDLE)
    busy = len(samples) - idle
    print(f"{len(samples)} samples, {idle} idle, {counts['[user]']} user, "
          f"mode {args.mode}, operation {args.op}")
    if busy <= 0:
        return 1
    limit = args.top
    for name, count in counts.most_common():
        if name in IDLE:
            continue
        print(f"{100 * count / busy:6.2f}%  {count:6d}  {name}")
        args.top -= 1
        if args.top == 0:
            break
    if args.callers:
        chains = Counter(caller_chain(symbols, args.callers, stack, args.depth)
                         for ip, stack in samples if symbols.name(ip) == args.callers)
        print(f"callers of {args.callers} ({sum(chains.values())} samples, stack scan):")
        for chain, count in chains.most_common(limit or None):
            print(f"{count:6d}  {chain}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
