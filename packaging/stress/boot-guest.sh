#!/bin/sh
# Workload of Tests/e2e/test_boot_buffer.py: waits (at most 240 s) for the
# kernel to finish replaying the boot buffer, then writes the counters.
prov=/sys/kernel/security/provenance
counter() { od -An -tu8 -N8 "$prov/$1" 2>/dev/null | tr -d ' '; }
i=0
while ! dmesg | grep -q 'boot buffer replayed' && [ $i -lt 240 ]; do
	sleep 1
	i=$((i + 1))
done
{
	echo "replay_wait_seconds $i"
	echo "sent $(counter sent)"
	echo "dropped $(counter dropped)"
} >/out/boot-buffer.txt
dmesg | grep 'boot buffer replayed' >>/out/boot-buffer.txt
