#!/bin/sh
# Tests/e2e/test_relay_wait.py: socket and pipe round trips as fast as one
# vCPU runs them, under whole-system capture, the recorder at nice 19; the
# kernel's counters and the wait bound it booted with go to /out.
prov=/sys/kernel/security/provenance
counter() { od -An -tu8 -N8 "$prov/$1" 2>/dev/null | tr -d ' '; }
cat /sys/module/provenance/parameters/relay_wait_ms >/out/relay_wait_ms.txt || exit 1
# Live output first: until the boot's backlog is replayed, records join it
# (bounded by provenance.boot_buffer) instead of the relay buffers.
i=0
until dmesg | grep -q "boot buffer replayed"; do
	[ $i -lt 600 ] || { echo "the boot buffer was not replayed" >&2; exit 1; }
	sleep 0.1
	i=$((i + 1))
done
# The recorder at the lowest priority: the workload takes nearly all of the
# one CPU unless it waits.
for pid in $(pidof camflowd); do
	for task in /proc/"$pid"/task/*; do
		renice -n 19 -p "${task##*/}" >/dev/null || exit 1
	done
done
prov-bench --scale 1 --dir /tmp/prov-bench pipe unix tcp >/out/bench.txt || exit 1
printf 1 >"$prov/flush"
echo "sent $(counter sent)" >/out/counters.txt
echo "dropped $(counter dropped)" >>/out/counters.txt
