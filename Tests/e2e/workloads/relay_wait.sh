#!/bin/sh
# Tests/e2e/test_relay_wait.py: round trips as fast as one vCPU runs them,
# under whole-system capture, once the boot's backlog is replayed; the
# kernel's counters and the wait bound it booted with go to /out.
# /opt/extra/mode (the test's --add):
#   slow     the recorder at nice 19, pipe, UNIX and TCP round trips;
#   stopped  the recorder stopped (SIGSTOP) during the UNIX round trips,
#            then resumed, and a file read after it resumed.
prov=/sys/kernel/security/provenance
counter() { od -An -tu8 -N8 "$prov/$1" 2>/dev/null | tr -d ' '; }
mode=$(cat /opt/extra/mode) || exit 1
cat /sys/module/provenance/parameters/relay_wait_ms >/out/relay_wait_ms.txt || exit 1
# Live output first: until the boot's backlog is replayed, records join it
# (bounded by provenance.boot_buffer) instead of the relay buffers.
i=0
until dmesg | grep -q "boot buffer replayed"; do
	[ $i -lt 600 ] || { echo "the boot buffer was not replayed" >&2; exit 1; }
	sleep 0.1
	i=$((i + 1))
done
case "$mode" in
slow)
	# The recorder at the lowest priority: the workload takes nearly all
	# of the one CPU unless it waits.
	for pid in $(pidof camflowd); do
		for task in /proc/"$pid"/task/*; do
			renice -n 19 -p "${task##*/}" >/dev/null || exit 1
		done
	done
	prov-bench --scale 1 --dir /tmp/prov-bench pipe unix tcp >/out/bench.txt || exit 1
	;;
stopped)
	kill -STOP $(pidof camflowd) || exit 1
	prov-bench --scale 2 --dir /tmp/prov-bench unix >/out/bench.txt || exit 1
	kill -CONT $(pidof camflowd) || exit 1
	;;
*) echo "relay_wait.sh: unknown mode '$mode'" >&2; exit 2 ;;
esac
printf 1 >"$prov/flush"
echo "sent $(counter sent)" >/out/counters.txt
echo "dropped $(counter dropped)" >>/out/counters.txt
if [ "$mode" = stopped ]; then
	# the recorder reads again: records written after it resumed reach the log
	sleep 2
	echo relay-stopped-after >/tmp/after-resume
	cat /tmp/after-resume >/dev/null
	sleep 2
	printf 1 >"$prov/flush"
	sleep 1
fi
exit 0
