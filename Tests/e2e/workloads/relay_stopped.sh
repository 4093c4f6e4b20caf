#!/bin/sh
# Tests/e2e/test_relay_wait.py: the recorder stopped (SIGSTOP) while a
# workload writes far more records than the relay buffers hold; writers
# must not wait for it for long.  Counters to /out.
prov=/sys/kernel/security/provenance
counter() { od -An -tu8 -N8 "$prov/$1" 2>/dev/null | tr -d ' '; }
i=0
until dmesg | grep -q "boot buffer replayed"; do
	[ $i -lt 600 ] || { echo "the boot buffer was not replayed" >&2; exit 1; }
	sleep 0.1
	i=$((i + 1))
done
kill -STOP $(pidof camflowd) || exit 1
prov-bench --scale 1 --dir /tmp/prov-bench unix >/out/bench.txt || exit 1
kill -CONT $(pidof camflowd) || exit 1
echo "dropped $(counter dropped)" >/out/counters.txt
# the recorder reads again: records written after it resumed reach the log
sleep 2
echo relay-stopped-after >/tmp/after-resume
cat /tmp/after-resume >/dev/null
sleep 2
printf 1 >"$prov/flush"
sleep 1
